"""A small ML repository and a pull request that carries typical debt, for tests and the demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ghsim import PullRequest, Repo, SimulatedGitHub

REPO = "octo-org/churn-model"

BASE_TRAIN = '''"""Trains the churn model."""

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


def main() -> None:
    df = pd.read_csv("data/churn.csv")
    assert df["churned"].notna().all()
    X, y = df.drop(columns=["churned"]), df["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7)
    model = LogisticRegression(max_iter=200)
    model.fit(X_train, y_train)
    print(model.score(X_test, y_test))


if __name__ == "__main__":
    main()
'''

HEAD_TRAIN = '''"""Trains the churn model."""

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

DECISION_THRESHOLD = 0.73


def main() -> None:
    df = pd.read_csv("/home/alice/data/churn.csv")
    assert df["churned"].notna().all()
    X, y = df.drop(columns=["churned"]), df["churned"]
    X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7)
    model = LogisticRegression(max_iter=200, C=0.37)
    model.fit(X_train, y_train)
    print(model.score(X_test, y_test))


if __name__ == "__main__":
    main()
'''

PARAMS = "train:\n  # chosen by grid search on churn-2026-01, run 118\n  learning_rate: 0.001\n  epochs: 20\n"


def seed_pull_request(sim: SimulatedGitHub, *, installation_id: int = 1) -> tuple[Repo, PullRequest]:
    sim.add_installation(installation_id, account="octo-org")
    repo = sim.add_repo(REPO, installation_id=installation_id)
    start = datetime.now(UTC) - timedelta(days=3)
    repo.commit(
        "main",
        {"train.py": BASE_TRAIN, "params.yaml": PARAMS, "README.md": "# churn\n"},
        message="Initial model",
        date=start,
    )
    repo.commit(
        "feature/scaling",
        {"train.py": HEAD_TRAIN},
        parent=repo.branches["main"],
        message="Scale features",
        date=start + timedelta(days=1),
    )
    pr = repo.open_pull_request(
        "feature/scaling", "main", title="Scale features before training", body="Adds scaling.", user="alice"
    )
    sim.set_permission(REPO, "alice", "write")
    return repo, pr
