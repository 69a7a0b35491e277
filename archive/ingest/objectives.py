"""GCM objectives suggested by the words of a text, with the words that triggered each.

The triggers are the phrases the objectives' Vietnamese wording and the archive's editors use
(fixtures/build.py explains each seed's tags this way). They are matched without diacritics so
"hòa nhập" and "hoà nhập" agree, and never inside an agency's name: "Cục Quản lý xuất nhập
cảnh" is who took part, not a topic.
"""

import re

from ..text import fold

TRIGGERS = {
    1: ["dữ liệu", "thu thập thông tin", "nắm chắc tình hình", "thống kê về di cư"],
    2: ["nhân tố dẫn tới", "yếu tố dẫn đến", "nguyên nhân di cư", "việc làm tại chỗ"],
    3: ["tuyên truyền", "truyền thông", "cung cấp thông tin", "phổ biến thông tin"],
    4: ["giấy tờ tùy thân", "nhân thân", "hộ chiếu"],
    5: ["kênh di cư hợp pháp", "di cư hợp pháp qua"],
    6: ["tuyển dụng công bằng", "tuyển dụng", "đi làm việc ở nước ngoài", "việc làm bền vững"],
    7: ["dễ bị tổn thương", "phụ nữ và trẻ em", "lao động nữ", "nhóm đặc thù"],
    8: ["người di cư mất tích", "cứu nạn"],
    9: ["đưa người di cư trái phép", "đưa người xuất cảnh trái phép", "đưa người trái phép"],
    10: ["mua bán người", "buôn bán người", "buôn người", "mua bán trẻ em"],
    11: ["quản lý biên giới", "xuất nhập cảnh", "cửa khẩu"],
    12: ["sàng lọc", "chuyển tuyến"],
    13: ["tạm giữ người di cư", "biện pháp thay thế tạm giữ"],
    14: ["bảo hộ công dân", "bảo hộ lãnh sự"],
    15: ["dịch vụ cơ bản", "dịch vụ y tế", "dịch vụ xã hội cơ bản"],
    16: ["hòa nhập", "gắn kết xã hội", "gắn kết với cộng đồng"],
    17: ["phân biệt đối xử", "kỳ thị"],
    18: ["kỹ năng", "kĩ năng", "công nhận trình độ"],
    19: ["cộng đồng người việt nam ở nước ngoài", "kiều bào"],
    20: ["kiều hối", "chuyển tiền"],
    21: ["hồi hương", "tái hòa nhập", "tiếp nhận công dân", "trao trả", "giải cứu"],
    22: ["an sinh xã hội cho người di cư", "bảo hiểm xã hội cho người lao động ở nước ngoài"],
    23: ["hợp tác quốc tế", "quan hệ đối tác toàn cầu"],
}

# One pass over the text for all triggers, longest first: "tái hòa nhập" (reintegration, 21)
# is then never also read as "hòa nhập" (inclusion, 16).
_OBJECTIVE_OF = {fold(trigger): number for number, words in TRIGGERS.items() for trigger in words}
_PATTERN = re.compile(
    r"(?<!\w)("
    + "|".join(re.escape(t) for t in sorted(_OBJECTIVE_OF, key=len, reverse=True))
    + r")(?!\w)"
)


def find_objective_spans(folded, covered=()):
    """Return (start, end, number) of every trigger in folded text outside covered spans."""
    spans = []
    for match in _PATTERN.finditer(folded):
        if not any(start <= match.start() < end for start, end in covered):
            spans.append((match.start(), match.end(), _OBJECTIVE_OF[match.group(1)]))
    return spans
