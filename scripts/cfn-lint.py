"""Lints the templates of the last `cdk synth` with cfn-lint; run by scripts/cfn-lint.sh.

Every stack template in cdk.out/manifest.json is linted for every region of the aws partition that
cfn-lint knows (an environment-agnostic stack can be deployed to any of them); a stack whose
environment names a Region is linted for that Region only.
The run fails on any error or informational finding, on any warning that the table in
docs/CFN-LINT.md does not accept, and on an accepted warning that is no longer reported, so the
document always lists exactly what the templates produce.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

from cfnlint.helpers import REGIONS

ROOT = Path(__file__).resolve().parents[1]
ACCEPTED_DOC = ROOT / "docs" / "CFN-LINT.md"
OTHER_PARTITIONS = ("cn-", "us-gov-", "us-iso", "eu-isoe-", "eusc-")


def stack_templates(cloud_assembly):
    """(template file, the stack's Region or None) of every stack, sorted by file."""
    manifest = json.loads((cloud_assembly / "manifest.json").read_text())
    stacks = []
    for artifact in manifest["artifacts"].values():
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        region = artifact.get("environment", "").rsplit("/", 1)[-1]
        stacks.append(
            (
                str(cloud_assembly / artifact["properties"]["templateFile"]),
                None if region in ("", "unknown-region") else region,
            )
        )
    return sorted(stacks)


def lint(cfn_lint, regions, templates):
    """cfn-lint's findings for these templates in these regions."""
    run = subprocess.run(
        [str(cfn_lint), "--format", "json", "--regions", *regions, "--", *templates],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if run.returncode not in (0, 2, 4, 6, 8, 10, 12, 14):  # bit flags: 2 error, 4 warning, 8 info
        sys.exit(f"cfn-lint failed to run (exit {run.returncode}):\n{run.stderr}")
    return json.loads(run.stdout or "[]")


def accepted_warnings():
    """(rule, resource type, depends-on type or None) -> reason, from the table in docs/CFN-LINT.md."""
    text = ACCEPTED_DOC.read_text()
    table = re.search(r"<!-- accepted:start -->(.*?)<!-- accepted:end -->", text, re.S).group(1)
    accepted = {}
    for line in table.strip().splitlines()[2:]:  # skip the header and its separator
        rule, resource, depends_on, _source, reason = (
            cell.strip().strip("`") for cell in line.strip().strip("|").split("|")
        )
        accepted[(rule, resource, None if depends_on == "—" else depends_on)] = reason
    return accepted


def finding_key(finding, templates):
    """(rule, resource type, depends-on type or None) of a finding on a resource."""
    path = finding["Location"]["Path"]
    if len(path) < 2 or path[0] != "Resources":
        return (finding["Rule"]["Id"], None, None)
    resources = templates[finding["Filename"]]["Resources"]
    resource = resources[path[1]]
    depends_on_type = None
    if len(path) >= 3 and path[2] == "DependsOn":
        depends_on = resource["DependsOn"]
        target = depends_on[path[3]] if len(path) >= 4 else depends_on
        depends_on_type = resources[target]["Type"]
    return (finding["Rule"]["Id"], resource["Type"], depends_on_type)


def main():
    cloud_assembly = ROOT / "cdk.out"
    templates = stack_templates(cloud_assembly)
    if not templates:
        sys.exit("No stack templates in cdk.out: run `npm run synth` first.")
    regions = [r for r in REGIONS if not r.startswith(OTHER_PARTITIONS)]
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    by_regions = {}
    for template, region in templates:
        by_regions.setdefault((region,) if region else tuple(regions), []).append(template)
    findings = [
        finding
        for group, group_templates in sorted(by_regions.items())
        for finding in lint(cfn_lint, group, group_templates)
    ]
    parsed = {name: json.loads(Path(name).read_text()) for name in {f["Filename"] for f in findings}}
    accepted = accepted_warnings()
    seen = set()
    failures = 0
    for finding in findings:
        key = finding_key(finding, parsed)
        if finding["Level"] == "Warning" and key in accepted:
            seen.add(key)
            verdict = "accepted"
        else:
            failures += 1
            verdict = "FAILED  "
        template = Path(finding["Filename"]).relative_to(ROOT)
        where = "/".join(str(p) for p in finding["Location"]["Path"])
        print(f"{verdict} {finding['Rule']['Id']} {template} {where}: {finding['Message']}")
    for key in accepted.keys() - seen:
        failures += 1
        print(f"STALE    {' '.join(k for k in key if k)}: accepted in docs/CFN-LINT.md but no longer reported")
    print(
        f"cfn-lint {len(templates)} templates, {len(regions)} regions: {len(findings)} findings, "
        f"{failures} not accepted"
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
