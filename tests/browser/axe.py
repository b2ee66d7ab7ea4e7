"""axe-core, installed from npm (package.json / package-lock.json at the repository root,
`npm ci` in `make browser`), injected from its local file into the page under test."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def violations(page, impacts=BLOCKING) -> list[dict]:
    """axe's violations of the given impacts on the page as it is now, each with the
    selectors of its first offending nodes (for a readable failure)."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `npm ci` (make browser does)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:3]],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
