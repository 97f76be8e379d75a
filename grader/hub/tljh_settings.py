"""The settings of ``tljh-config.yaml`` as ``KEY VALUE`` lines, the arguments of one
``tljh-config set`` each (install.sh applies them; the test reads them the same way).

    python grader/hub/tljh_settings.py grader/hub/tljh-config.yaml
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml


def settings(path: str | Path) -> list[tuple[str, str]]:
    """Dotted keys and values of a nested YAML mapping, in file order; a list or an empty
    value is refused (``tljh-config set`` takes one scalar)."""
    def walk(node, prefix: str):
        for key, value in node.items():
            dotted = f"{prefix}{key}"
            if isinstance(value, dict):
                yield from walk(value, dotted + ".")
            elif isinstance(value, (list, type(None))) or str(value).strip() == "":
                raise ValueError(f"{path}: {dotted} must be one value for `tljh-config set`")
            else:
                yield dotted, str(value)

    data = yaml.safe_load(Path(path).read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a mapping of TLJH settings")
    return list(walk(data, ""))


if __name__ == "__main__":
    for key, value in settings(sys.argv[1]):
        print(key, value)
