"""Terms the archive's texts write in more than one way: a search for one finds the others.

A law names a thing one way, the press and other agencies another, and staff type whichever
they know: "buôn bán người" found two conference reports and none of the seven texts on "mua
bán người", the term of the law and of QĐ 193/QĐ-TTg. Each group below is one thing's names;
typed whole and outside quotes, one of them is searched as typed or as any other of its group
(search.text_query), and the results page says so with a link to the typed words alone.

Changing a group changes what searches find: bump filters.RESULTS_FORMAT with it, so that
cached answers and snapshots computed with the old groups are not read.
"""

import re

from .text import WORD, fold, nfc

GROUPS = [
    # Luật Phòng, chống mua bán người (2024) and QĐ 193/QĐ-TTg write "mua bán người"; the press
    # and ASEAN's texts "buôn bán người" (the seed texts hold both).
    ("mua bán người", "buôn bán người"),
    # Irregular migration: "di cư trái phép" in the plans, "di cư bất hợp pháp" in the press.
    ("di cư trái phép", "di cư bất hợp pháp"),
    # The Global Compact by its acronym, as the plans and reports write it ("Thỏa thuận GCM").
    ("GCM", "Thỏa thuận toàn cầu về di cư"),
    # Labour migration: the law's "đi làm việc ở nước ngoài" (Luật 69/2020/QH14), the
    # everyday "xuất khẩu lao động".
    ("xuất khẩu lao động", "đi làm việc ở nước ngoài"),
    # The United Nations, written with "hợp" (its official name) or "hiệp", or abbreviated.
    ("Liên hợp quốc", "Liên Hiệp Quốc", "LHQ"),
    ("ASEAN", "Hiệp hội các quốc gia Đông Nam Á"),
    # A province's People's Committee and Council, most often abbreviated: "UBND tỉnh".
    ("UBND", "Ủy ban nhân dân"),
    ("HĐND", "Hội đồng nhân dân"),
]


def _key(phrase):
    """Return a name's words, folded: how a query's words are compared with it."""
    return tuple(WORD.findall(fold(nfc(phrase))))


# {a name's folded words: its group}; words folded, so "Uỷ ban" and "uy ban" are "Ủy ban".
_NAMES = {_key(name): group for group in GROUPS for name in group}
_LONGEST = max(map(len, _NAMES))
_BARE = re.compile(r"^[\W_]+|[\W_]+$")
_APART = (",", ";", ":", ".")  # after a word, what sets it apart from the next


def equivalents_in(text):
    """Return [(a name as typed, the other names of its group)] for the names a query's words
    hold whole, the longest first ("di cư trái phép", not a shorter name inside it), each group
    once (the first name typed of it), none across a comma ("buôn, bán người")."""
    tokens = text.split()
    folded = [tuple(WORD.findall(fold(token))) for token in tokens]
    found, groups, at = [], set(), 0
    while at < len(tokens):
        for size in range(min(_LONGEST, len(tokens) - at), 0, -1):
            words = sum(folded[at : at + size], ())
            group = _NAMES.get(words) if all(folded[at : at + size]) else None
            if group is None or any(t.endswith(_APART) for t in tokens[at : at + size - 1]):
                continue
            if group not in groups:
                typed = _BARE.sub("", " ".join(tokens[at : at + size]))  # "(UBND)": UBND
                found.append((typed, [name for name in group if _key(name) != words]))
                groups.add(group)
            at += size
            break
        else:
            at += 1
    return found


def written_whole(text):
    """Return the text with each name of a group written as the group's longest ("UBND tỉnh
    Hòa Bình": "Ủy ban nhân dân tỉnh Hòa Bình"), folded, its words one space apart: the key by
    which two ways of writing one agency's name are told to be one (models.Agency.clean)."""
    words = " ".join(WORD.findall(fold(nfc(text))))
    for name, others in equivalents_in(words):
        whole = max([name, *others], key=lambda n: (len(_key(n)), len(n)))
        words = re.sub(rf"(?<!\S){re.escape(name)}(?!\S)", " ".join(_key(whole)), words)
    return words
