"""What both services' ``manage.py seed`` commands share: the same users from the same seed.

The posts service and the followers service are seeded by separate commands (each in its own
Deployment's settings), so everything they must agree on is derived here from ``(seed, index)``
alone: user ids (uuid5), usernames (Faker seeded with the seed) and each user's popularity rank.
Both commands also use the same time window, so a follow and a post of one seed look alike.

The shape is a power law: user ``i`` ranks ``rank[i]`` in a seeded permutation and is picked
with weight ``1 / (rank + 1) ** ZIPF`` (as followee in the graph, as author of posts), so a few
accounts have thousands of followers and posts and most have a handful.
"""

import itertools
import json
import random
import sys
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.management.base import CommandError

T = TypeVar("T")

NAMESPACE = uuid.UUID("5eed0000-4a7b-4e7e-9d1c-686f726e6574")  # fixed: ids survive releases
ZIPF = 0.8
WINDOW = timedelta(days=182)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEMO = {"users": 60, "avg_follows": 8, "posts": 400}
REALM_FILE = "keycloak/hornet-realm.json"


@dataclass(frozen=True, slots=True)
class SeedUser:
    user_id: uuid.UUID
    username: str


def user_id_for(seed: int, index: int) -> uuid.UUID:
    """The id of generated user ``index`` of ``seed``: the same in both services."""
    return uuid.uuid5(NAMESPACE, f"{seed}:{index}")


def realm_users(path: Path | None = None) -> list[SeedUser]:
    """The Keycloak test realm's users (fixed ids), or [] without the realm file."""
    path = path or Path(settings.BASE_DIR) / REALM_FILE
    if not path.is_file():
        return []
    realm = json.loads(path.read_text(encoding="utf-8"))
    return [
        SeedUser(uuid.UUID(u["id"]), u["username"])
        for u in realm.get("users", [])
        if u.get("id") and u.get("username")
    ]


def faker(seed: int) -> Any:
    """A Faker seeded with ``seed`` (imported here: only seeding needs Faker)."""
    try:
        from faker import Faker
    except ImportError:  # pragma: no cover - the runtime image has no dev tools
        raise CommandError("seeding needs Faker: pip install -r requirements-dev.txt") from None
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return fake


def seed_users(seed: int, count: int, *, demo: bool = False) -> list[SeedUser]:
    """``count`` generated users (plus the realm's users first when ``demo``).

    Generated user ``i`` always has the id ``user_id_for(seed, i)`` and, for a given seed, the
    same username whatever ``count`` is (names are drawn in index order)."""
    fake = faker(seed)
    users = realm_users() if demo else []
    taken = {u.username for u in users}
    for index in range(count):
        name = fake.user_name()
        if name in taken:
            name = f"{name}{index}"
        taken.add(name)
        users.append(SeedUser(user_id_for(seed, index), name))
    return users


def popularity(seed: int, count: int) -> list[float]:
    """Cumulative Zipf weights over users in a seeded rank order (for ``rng.choices``)."""
    ranks = list(range(count))
    random.Random(f"{seed}:rank").shuffle(ranks)
    return list(itertools.accumulate(1.0 / (rank + 1) ** ZIPF for rank in ranks))


def window_end() -> datetime:
    """Seeded times run up to the start of today (UTC): a fresh demo looks current."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def epoch_ms(value: datetime) -> int:
    return (value - EPOCH) // timedelta(milliseconds=1)


def random_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def progress(total: int, unit: str, verbosity: int) -> Any:
    """A tqdm bar with rate and ETA on stderr (hidden at verbosity 0 or off a terminal)."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit=unit,
        unit_scale=True,
        smoothing=0.1,
        mininterval=0.5,
        file=sys.stderr,
        disable=True if verbosity == 0 else None,
    )


def confirm_reset(what: str, *, yes: bool, interactive: bool) -> None:
    """Ask before wiping ``what``; ``--yes`` skips the question, no terminal refuses."""
    if yes:
        return
    if not interactive:
        raise CommandError(f"--reset would delete {what}; add --yes to confirm.")
    answer = input(f"Delete {what}? Type 'yes' to confirm: ")
    if answer.strip().lower() != "yes":
        raise CommandError("Reset cancelled.")


def seed_arguments(parser: Any, *, batch: int) -> None:
    """The options both ``seed`` commands take (one command line seeds either service)."""
    parser.add_argument("--users", type=int, default=1000, help="generated users (1000)")
    parser.add_argument(
        "--avg-follows", type=int, default=20, help="follows per user (20; followers)"
    )
    parser.add_argument("--posts", type=int, default=20_000, help="posts (20000; posts)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (42)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"small network ({DEMO['users']} users) plus the Keycloak test users",
    )
    parser.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    parser.add_argument("--reset", action="store_true", help="wipe this service's data first")
    parser.add_argument("--yes", action="store_true", help="do not ask before --reset")
    parser.add_argument("--batch", type=int, default=batch, help=f"rows per batch ({batch})")


def sizes(options: dict[str, Any]) -> dict[str, int]:
    """users / avg_follows / posts from the options, the demo's when ``--demo``."""
    if options["demo"]:
        return dict(DEMO)
    found = {k: int(options[k]) for k in ("users", "avg_follows", "posts")}
    if min(found.values()) < 0 or options["batch"] < 1:
        raise CommandError("--users, --avg-follows and --posts must be >= 0, --batch >= 1.")
    return found


def pick_distinct(
    rng: random.Random, cum_weights: Sequence[float], k: int, exclude: int
) -> list[int]:
    """``k`` distinct indexes drawn by weight, never ``exclude`` (k < len(cum_weights))."""
    population = range(len(cum_weights))
    chosen: dict[int, None] = {}
    while len(chosen) < k:
        for index in rng.choices(population, cum_weights=cum_weights, k=2 * (k - len(chosen))):
            if index != exclude:
                chosen[index] = None
                if len(chosen) == k:
                    break
    return list(chosen)
