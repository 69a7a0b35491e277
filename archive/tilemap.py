"""A tile-grid map of the 34 provinces from 1 July 2025: one square per unit, north to south.

A tile map shows every unit at the same size, so Hà Nội is as easy to click as Gia Lai, and
needs no boundary data (which we would have to ship, keep current and license). Positions
follow geography roughly: the north-west highlands on the left, the coast on the right, the
Mekong delta at the bottom. Keys are the official codes of the 34 units (Nghị quyết
202/2025/QH15; see ../shared/domain/README.md), which stay stable where names are shortened.
"""

# code: (column, row, label lines). Two short lines fit a tile; the full name is in each
# tile's <title> and in the table beside the map.
TILES = {
    "12": (1, 0, ("Lai", "Châu")),
    "15": (2, 0, ("Lào", "Cai")),
    "08": (3, 0, ("Tuyên", "Quang")),
    "04": (4, 0, ("Cao", "Bằng")),
    "11": (0, 1, ("Điện", "Biên")),
    "14": (1, 1, ("Sơn", "La")),
    "25": (2, 1, ("Phú", "Thọ")),
    "19": (3, 1, ("Thái", "Nguyên")),
    "20": (4, 1, ("Lạng", "Sơn")),
    "01": (2, 2, ("Hà", "Nội")),
    "24": (3, 2, ("Bắc", "Ninh")),
    "22": (4, 2, ("Quảng", "Ninh")),
    "37": (2, 3, ("Ninh", "Bình")),
    "33": (3, 3, ("Hưng", "Yên")),
    "31": (4, 3, ("Hải", "Phòng")),
    "38": (2, 4, ("Thanh", "Hóa")),
    "40": (2, 5, ("Nghệ", "An")),
    "42": (3, 5, ("Hà", "Tĩnh")),
    "44": (3, 6, ("Quảng", "Trị")),
    "46": (3, 7, ("Huế",)),
    "48": (4, 7, ("Đà", "Nẵng")),
    "51": (4, 8, ("Quảng", "Ngãi")),
    "52": (4, 9, ("Gia", "Lai")),
    "66": (4, 10, ("Đắk", "Lắk")),
    "68": (3, 11, ("Lâm", "Đồng")),
    "56": (4, 11, ("Khánh", "Hòa")),
    "80": (1, 12, ("Tây", "Ninh")),
    "75": (2, 12, ("Đồng", "Nai")),
    "79": (3, 12, ("TP.", "Hồ Chí Minh")),
    "91": (0, 13, ("An", "Giang")),
    "82": (1, 13, ("Đồng", "Tháp")),
    "86": (2, 13, ("Vĩnh", "Long")),
    "96": (0, 14, ("Cà", "Mau")),
    "92": (1, 14, ("Cần", "Thơ")),
}

TILE_WIDTH, TILE_HEIGHT, GAP = 76, 52, 4
COLUMNS = 1 + max(column for column, _, _ in TILES.values())
ROWS = 1 + max(row for _, row, _ in TILES.values())
WIDTH = COLUMNS * (TILE_WIDTH + GAP) - GAP
HEIGHT = ROWS * (TILE_HEIGHT + GAP) - GAP


def tile_box(code):
    """Return the (x, y) of a unit's tile in the SVG's coordinates."""
    column, row, _ = TILES[code]
    return column * (TILE_WIDTH + GAP), row * (TILE_HEIGHT + GAP)
