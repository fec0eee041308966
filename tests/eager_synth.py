"""The eager (preload off) synth of the fixture estate, started in the background as soon as collection ends.

It is the slowest thing the suite does (8-10 s, a 1.8 GB process): started at session start it runs on the second
core while the other tests run, instead of after them. Only started when the comparison test was collected.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from smus_cli.runtime import EAGER_SWITCH, PROJECT_ROOT
from tests.estate import FIXTURE_ACCOUNTS

TEST_NAME = "test_eager_synth_is_byte_identical_to_the_lazy_one"

PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print('peak_rss_kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


@dataclass
class EagerSynth:
    process: subprocess.Popen[str]
    outdir: Path

    def wait(self) -> tuple[int, str, str]:
        stdout, stderr = self.process.communicate(timeout=600)
        return self.process.returncode, stdout, stderr


def start() -> EagerSynth:
    outdir = Path(tempfile.mkdtemp(prefix="smus-eager-")) / "cdktf.out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PEAK_RSS_WRAPPER,
            sys.executable,
            "main.py",
            "synth",
            "--config-dir",
            str(FIXTURE_ACCOUNTS),
            "--outdir",
            str(outdir),
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, EAGER_SWITCH: "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return EagerSynth(process, outdir)
