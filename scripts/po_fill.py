"""Fill zh_Hans translations from a small JSON mapping {msgid or "context|msgid": msgstr}; clears fuzzy.

Developer tool: after `manage.py makemessages`, list what is missing with
`msgattrib --untranslated --only-fuzzy`, write the mapping, run this.
Needs `polib` (a developer tool, not a runtime dependency).
"""

import json
import sys

import polib


def main(po_path: str, mapping_path: str) -> int:
    po = polib.pofile(po_path)
    mapping = json.load(open(mapping_path, encoding="utf-8"))
    filled = 0
    for entry in po:
        key = f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid  # "context|msgid"
        if key in mapping:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: mapping[key]}
            else:
                entry.msgstr = mapping[key]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            filled += 1
    po.save(po_path)
    missing = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    print(f"filled {filled}; still missing {len(missing)}")
    for msgid in missing:
        print("  ", repr(msgid))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
