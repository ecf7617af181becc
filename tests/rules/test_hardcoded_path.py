"""hardcoded-path: which paths are site-specific, where they are read, and identity across versions."""

from __future__ import annotations

import pytest

from rules.checks.hardcoded_path_patterns import find_paths
from rules.examples import findings_of
from rules.finding import Finding
from rules.rule import Case, all_rules

RULE = all_rules()["hardcoded-path"]


def run(
    head: str | dict[str, str], base: dict[str, str] | None = None, path: str = "train.py"
) -> list[Finding]:
    return findings_of(RULE, Case(head, base=base or {}, path=path))


def paths(text: str) -> list[str]:
    return [found for _, found in find_paths(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/home/alice/data", "/home/alice/data"),
        ("/Users/bob/Downloads/x.csv", "/Users/bob/Downloads/x.csv"),
        (r"C:\Users\bob\model.pt", r"C:\Users\bob\model.pt"),
        (r"D:\datasets\churn\train.csv", r"D:\datasets\churn\train.csv"),
        (r"\\fileserver\ml\churn", r"\\fileserver\ml\churn"),
        ("/mnt/nvme0/cache", "/mnt/nvme0/cache"),
        ("/scratch/u123/run", "/scratch/u123/run"),
        ("/gpfs/proj/ml", "/gpfs/proj/ml"),
        ("/lustre/alice/ckpt", "/lustre/alice/ckpt"),
        ("/nfs/team/x", "/nfs/team/x"),
        ("/dbfs/mnt/raw/events", "/dbfs/mnt/raw/events"),
        ("/Volumes/T7/data", "/Volumes/T7/data"),
        ("/content/drive/MyDrive/x.csv", "/content/drive/MyDrive/x.csv"),
        ("~alice/data/x", "~alice/data/x"),
        ("/data/alice/runs/1", "/data/alice/runs/1"),
        ("file:///home/alice/x.parquet", "/home/alice/x.parquet"),
        ("--output=/home/alice/logs/%j.out", "/home/alice/logs/%j.out"),
        ("-v /mnt/data:/data", "/mnt/data"),
        ("/groups/icecube/moust/work/train.csv", "/groups/icecube/moust/work/train.csv"),
        ("/efs/shared_storage/alice/cache", "/efs/shared_storage/alice/cache"),
    ],
)
def test_site_specific_paths(text: str, expected: str) -> None:
    assert paths(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "/tmp/x",
        "/dev/null",
        "/proc/cpuinfo",
        "/etc/hosts",
        "/usr/lib/x",
        "/opt/hf",
        "/app/src",
        "/workspace/x",
        "s3://bucket/home/alice",
        "gs://bucket/mnt/x",
        "https://host.com/home/alice/x",
        "/home/runner/work/x",
        "/home/user/data",
        "/Users/you/x",
        "~/data/x",
        "data/raw/x.csv",
        "/data/raw/train.csv",
        "/data/tweets/",
        "$HOME/x",
        "${DATA_DIR:-/mnt/data}",
        "/home/",
        "/mnt",
        "/media/uploads",
        "ratio a:/b",
        "https://x",
        "/groups/42",
        "/work/data/train.csv",
        "/project/src/x.py",
        "/projects/demo",
        "/efs",
    ],
)
def test_portable_paths(text: str) -> None:
    assert paths(text) == []


def test_fstring_literal_part_and_key() -> None:
    [finding] = run('import os\nout = f"/home/alice/runs/{run_id}/model.pt"\n')
    assert finding.key == "/home/alice/runs/" and finding.line == 2


def test_env_fallback_is_still_a_hardcoded_path() -> None:
    assert run('import os\nDATA = os.environ.get("DATA_DIR", "/home/alice/data")\n')


def test_web_routes_are_url_paths() -> None:
    head = (
        'from fastapi import FastAPI\napp = FastAPI()\n\n\n@app.get("/home/feed/latest")\ndef feed():\n'
        '    return redirect("/shared/boards/1")\n'
    )
    assert not run(head, path="serve/api.py")


def test_moved_path_is_existing_and_changed_path_is_new() -> None:
    base = {"train.py": "import os\n\nA = 1\nROOT = '/home/alice/data'\n"}
    moved = run("import os\n\nROOT = '/home/alice/data'\nA = 1\n", base)
    assert moved and not any(finding.new for finding in moved)
    [changed] = run("import os\n\nA = 1\nROOT = '/home/bob/data'\n", base)
    assert changed.new


def test_shell_comments_are_skipped_and_directives_read() -> None:
    head = (
        "#!/bin/bash\n# old: /home/alice/x\n#SBATCH -o /scratch/alice/%j.log\n"
        "cd /mnt/work/alice  # the mount\necho done # /home/bob\n"
    )
    found = run(head, path="jobs/train.sh")
    assert [(finding.line, finding.key) for finding in found] == [
        (3, "/scratch/alice/%j.log"),
        (4, "/mnt/work/alice"),
    ]


def test_yaml_comments_infra_and_conda_prefix_are_skipped() -> None:
    files = {
        "configs/train.yaml": "# was /home/alice/data\ndata: data/train  # not /mnt/x/y\n",
        "docker-compose.yml": "services:\n  a:\n    volumes:\n      - /mnt/data:/data\n",
        "deploy/job.yaml": "apiVersion: batch/v1\nkind: Job\nspec:\n  volumes:\n    - hostPath:\n"
        "        path: /mnt/disks/ssd0\n",
        "environment.yml": "name: ml\nprefix: /home/alice/miniconda3/envs/ml\n",
    }
    assert not run(files)


def test_fixture_folders_outside_tests_are_exempt() -> None:
    assert not run(
        {"src/fixtures/sample.json": '{"path": "/home/alice/x"}', "fixtures/conf.py": "P = '/mnt/x/y'\n"}
    )


def test_json_and_env_files() -> None:
    found = run(
        {
            ".vscode/settings.json": '{"python.defaultInterpreterPath": "/Users/bob/.venvs/ml/bin/python"}',
            ".env": "DATA_DIR=/mnt/team/churn\n; x\n",
        }
    )
    assert {finding.path for finding in found} == {".vscode/settings.json", ".env"}


def test_concatenated_docstring_is_not_code() -> None:
    assert not run('def f():\n    ("Reads /home/alice/data "\n     "and more.")\n    return 1\n')


def test_prose_strings_are_not_paths() -> None:
    assert not run('NOTE = "The raw files used to live in /mnt/old/share before the migration last year."\n')


def test_message_quotes_the_path_safely() -> None:
    [finding] = run("P = '/home/alice/" + "a" * 300 + "'\n")
    quoted = finding.message.split("`")[1]
    assert len(quoted) <= 80 and quoted.endswith("…")


def test_real_cluster_script_shapes() -> None:
    head = (
        "#!/bin/bash\n#SBATCH --mail-type=ALL  # Mail events (NONE, BEGIN, END, FAIL, ALL)\n"
        "source /scratch_net/biwidl203/lab/anaconda3/etc/profile.d/conda.sh\n"
        'export PATH="/home/s4585711/miniconda3/bin:$PATH"\ncd /cluster/home/wiktorh/Desktop/scbm\n'
        '#SBATCH --output="/path/to/file/job-%J"\noutput_filename=~/path/to/file/$now.txt\n'
    )
    found = run(head, path="scripts/train.sh")
    assert [(finding.line, finding.key) for finding in found] == [
        (3, "/scratch_net/biwidl203/lab/anaconda3/etc/profile.d/conda.sh"),
        (4, "/home/s4585711/miniconda3/bin"),
        (5, "/cluster/home/wiktorh/Desktop/scbm"),
    ]


def test_mapping_get_fallback_is_a_path_but_client_get_is_a_route() -> None:
    found = run(
        'import os\nroot = cfg.get("data_dir", "/home/alice/data")\nr = self.client.get("/home/alice/feed")\n'
        'r = requests.get(base + "/shared/a/b")\n'
    )
    assert [finding.line for finding in found] == [2]


def test_windows_home_with_forward_slashes_is_one_path() -> None:
    assert paths("C:/Users/bob/data/train.csv") == ["C:/Users/bob/data/train.csv"]
    [finding] = run("import pandas as pd\n\na = pd.read_csv('C:/Users/bob/data/train.csv')\n")
    assert finding.key == "C:/Users/bob/data/train.csv"


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("D:/ML Notebooks/2023_data.csv", "D:/ML Notebooks/2023_data.csv"),
        ("C:/Users/John Doe/data.csv", "C:/Users/John Doe/data.csv"),
        (r"C:\\Users\\John Doe\\Desktop\\", r"C:\\Users\\John Doe\\Desktop\\"),
        # A space in the last part without an extension reads as a message: cut at the space as before.
        ("C:/data/x.csv not found", "C:/data/x.csv"),
    ],
)
def test_windows_literal_keeps_its_spaces(literal: str, expected: str) -> None:
    [finding] = run(f"import pandas as pd\n\ndf = pd.read_csv({literal!r})\n")
    assert finding.key == expected


def test_spaces_end_a_windows_path_outside_a_whole_literal() -> None:
    assert paths("copy C:/Users/John Doe/x.csv") == ["C:/Users/John"]
    assert [found for _, found in find_paths("see C:/Users/John Doe/x.csv", literal=True)] == [
        "C:/Users/John"
    ]
    assert not run(
        "import os\n# data in D:/ML Notebooks/2023_data.csv\nTOOL = 'C:/Program Files/Git/bin/git.exe'\n"
    )


def test_fstring_head_keeps_its_spaces() -> None:
    [finding] = run('import pandas as pd\n\ndf = pd.read_csv(f"D:/ML Notebooks/{year}_data.csv")\n')
    assert finding.key == "D:/ML Notebooks/"
