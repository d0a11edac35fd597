"""Gathers the real-file corpus for bench/import_corpus.py from snapshots of public users' repositories.

How the corpus is made (nothing of it is committed but the manifest):
1. Find users' repositories holding layout files: the search tools' `find_files` with paths such as
   keymap.vil, layout.vil, corne.vil, vial.vil, keymap.json, keymap.c, via.json; `find_repos` for
   names like keychron, via-layout. QMK's, VIA's and Vial's own repositories are left out: their files
   are fixtures and defaults. Of a fork of qmk_firmware or vial-qmk (a tree with quantum/) only the
   keymaps its user wrote are taken: a file whose content was ever in the upstream history (QMK's,
   in /work/.mirror/MiguelRoldao+qmk-home, and vial-qmk's, in /work/.mirror/vial-kb+vial-qmk, where
   those mirrors are here) is upstream's, and so is one whose last change in the fork was made by
   someone who committed upstream (a fork synced after the mirror's snapshot carries newer upstream
   files); a fork is skipped when no upstream mirror is here.
2. Bring each repository here with the `fetch` tool (a bare git snapshot in /work/.mirror/OWNER+NAME/repo).
3. Run: .venv/bin/python bench/gather_corpus.py [OUT] [MIRROR...]   (OUT default /work/corpus; the
   mirrors default to every /work/.mirror/*/repo). Each file of a snapshot's HEAD is sorted by content
   into OUT/via, OUT/vil, OUT/keymap.json, OUT/keymap.c (at most 4 of a kind per repository,
   duplicates by content dropped), and bench/corpus/manifest.tsv lists kind, repo, path, commit and
   the licence the repository declares. A keymap.c of a keymaps/ folder holding no keymaps[] is taken when
   its layers are in another file of the repository that QMK's build reads with it (`layers_elsewhere`):
   a file it #includes by a quoted name, or the INTROSPECTION_KEYMAP_C or SRC file of its folder's or its
   users/<name>/ rules.mk, found where the build looks (beside the file, the keyboard folders above it,
   users/<keymap name>/) and defining `keymaps[...] =` (a userspace's wrapper keymap, miryoku's).

A held-out corpus (what lands is measured on files it was not tuned on):
   .venv/bin/python bench/gather_corpus.py --held-out /work/corpus3 MIRROR...
writes bench/corpus/manifestN.tsv instead (N from the folder's name: /work/corpus2 → manifest2.tsv,
/work/corpus3 → manifest3.tsv), takes at most 2 files of a kind per repository, and leaves out every
repository already in another manifest and every file whose content is in another corpus folder or is
a keymap of a QMK tree in /work/trees.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "bench" / "corpus" / "manifest.tsv"
MIRRORS = Path("/work/.mirror")
PER_REPO = 4
# Projects whose files are their own fixtures and defaults, not users' layouts.
LICENCES = (
    (r"GNU GENERAL PUBLIC LICENSE", "GPL"), (r"MIT License|Permission is hereby granted", "MIT"),
    (r"Apache License", "Apache-2.0"), (r"Unlicense|unlicense.org", "Unlicense"), (r"BSD", "BSD"),
    (r"Creative Commons|CC0", "CC"),
)  # fmt: skip
NOT_USERS = ("qmk", "the-via", "vial-kb", "MiguelRoldao", "zsa", "keychron", "Keychron", "Yowkees")
# Upstream histories a fork's files are told from: a blob one of them holds is not the user's. Yowkees/keyball
# is the Keyball's maker's tree, which Keyball owners copy whole (its default/via/test keymaps included) into
# their own repositories next to the keymap they wrote.
UPSTREAMS = ("MiguelRoldao+qmk-home", "vial-kb+vial-qmk", "Keychron+qmk_firmware", "Yowkees+keyball")


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, check=True).stdout


def classify(path: str, text: str) -> str | None:
    """The corpus kind of a file, told from its content as the importers tell it."""
    if path.endswith(".c"):
        # Layers are LAYOUT*(...) since 2018 and KEYMAP*(...) before: both are users' keymaps.
        layers = "LAYOUT" in text or re.search(r"\bKEYMAP\w*\s*\(", text)
        return "keymap.c" if re.search(r"keymaps\s*\[", text) and layers else None
    if not path.endswith((".json", ".vil")):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        # A save whose first value is whole but is followed by a stray `}` or a second copy is still a
        # user's file of that kind (the importer has to say what is wrong with it), not some other file.
        try:
            data, _ = json.JSONDecoder().raw_decode(text.lstrip())
        except ValueError:
            return None
    if not isinstance(data, dict):
        return None
    if "layout" in data and ("vial_protocol" in data or "uid" in data) and isinstance(data["layout"], list):
        return "vil"
    if "vendorProductId" in data and isinstance(data.get("layers"), list):
        return "via"
    if isinstance(data.get("layers"), list) and "keyboard" in data and "layout" in data:
        return "keymap.json"
    return None


_DEFINES_KEYMAPS = re.compile(r"\bkeymaps\s*\[[^;{]*=")
_QUOTED_INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
_COMPILED = re.compile(r"^\s*(?:SRC|INTROSPECTION_KEYMAP_C)\s*[+:?]?=\s*(.*?)\s*$", re.M)


def _normal(path: str) -> str:
    """A repository path with `.` and `..` resolved (no leading slash)."""
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts)


def layers_elsewhere(repo: Path, path: str, tree: set[str]) -> bool:
    """Whether `path`, a keymap.c in a keymaps/ folder holding no keymaps[], is built with a file of the
    repository that defines them: one it includes by a quoted name, or one its folder's or users/<name>/
    rules.mk compiles (SRC, INTROSPECTION_KEYMAP_C), looked for where QMK's build looks (beside the including
    file, each keyboard folder above the keymap, users/<keymap name>/)."""
    if "/keymaps/" not in path:
        return False
    folder = path.rsplit("/", 1)[0]
    name = folder.rsplit("/", 1)[-1]
    top = path.split("/keymaps/")[0]
    steps = top.split("/")
    root = "/".join(steps[: steps.index("keyboards")]) if "keyboards" in steps else ""
    users = _normal(f"{root}/users/{name}")
    places = [folder, *("/".join(steps[:i]) for i in range(len(steps), 0, -1)), users]

    def text_of(file: str) -> str:
        try:
            return git(repo, "show", f"HEAD:{file}").decode("utf-8", "replace")[:512 * 1024]
        except subprocess.CalledProcessError:
            return ""

    def holds_keymaps(file: str) -> bool:
        return file in tree and bool(_DEFINES_KEYMAPS.search(text_of(file)))

    for include in _QUOTED_INCLUDE.findall(text_of(path)):
        if any(holds_keymaps(_normal(f"{place}/{include}")) for place in places):
            return True
    for rules_folder in (folder, users):
        for words in _COMPILED.findall(text_of(f"{rules_folder}/rules.mk") if f"{rules_folder}/rules.mk" in tree
                                       else ""):
            for word in words.split():
                if word.endswith(".c") and any(holds_keymaps(_normal(f"{place}/{word}"))
                                               for place in (rules_folder, folder, users)):
                    return True
    return False


def upstream_blobs(blobs: set[str]) -> set[str]:
    """Those of `blobs` (SHA-1s) that an upstream mirror here holds: content QMK, vial-qmk or a vendor
    published, which a fork carries unchanged."""
    found: set[str] = set()
    for name in UPSTREAMS:
        mirror = MIRRORS / name / "repo"
        if not mirror.is_dir() or not blobs:
            continue
        answer = subprocess.run(["git", "--git-dir", str(mirror), "cat-file", "--batch-check"],
                                input="\n".join(sorted(blobs)) + "\n", capture_output=True, text=True)
        found |= {line.split()[0] for line in answer.stdout.splitlines() if not line.endswith("missing")}
    return found


_UPSTREAM_AUTHORS: set[str] = set()


def upstream_authors() -> set[str]:
    """E-mail addresses of everyone who committed to an upstream mirror here (read once)."""
    if not _UPSTREAM_AUTHORS:
        for name in UPSTREAMS:
            mirror = MIRRORS / name / "repo"
            if mirror.is_dir():
                _UPSTREAM_AUTHORS.update(git(mirror, "log", "--format=%ae").decode("utf-8", "replace").split())
    return _UPSTREAM_AUTHORS


def changed_by_its_user(repo: Path, path: str) -> bool:
    """Whether the fork's last change to `path` was made by someone who never committed upstream."""
    author = git(repo, "log", "-1", "--format=%ae", "HEAD", "--", path).decode("utf-8", "replace").strip()
    return bool(author) and author not in upstream_authors()


def fork_keymaps(repo: Path) -> dict[str, str] | None:
    """The keymap.c files of a fork of qmk_firmware/vial-qmk that may be its user's own (no upstream mirror
    holds their content), path → blob; None when no upstream mirror is here to tell."""
    if not any((MIRRORS / name / "repo").is_dir() for name in UPSTREAMS):
        return None
    listing = git(repo, "ls-tree", "-r", "HEAD").decode("utf-8", "replace").splitlines()
    keymaps: dict[str, str] = {}
    for line in listing:
        info, _, path = line.partition("\t")
        if path.endswith("keymap.c") and "/keymaps/" in path and info.split()[1] == "blob":
            keymaps[path] = info.split()[2]
    published = upstream_blobs(set(keymaps.values()))
    return {path: blob for path, blob in keymaps.items() if blob not in published}


def blobs_forks_share(mirrors: list[Path]) -> set[str]:
    """Keymap contents that forks of two owners both hold: upstream's files newer than the upstream
    mirrors (a board vial-qmk added after the mirror's snapshot), not a user's."""
    owners: dict[str, set[str]] = {}
    for repo in mirrors:
        owner = repo.parent.name.partition("+")[0]
        if (repo / ".git").is_dir():
            repo = repo / ".git"
        try:
            if not git(repo, "ls-tree", "HEAD", "quantum/"):
                continue
        except subprocess.CalledProcessError:
            continue
        for blob in (fork_keymaps(repo) or {}).values():
            owners.setdefault(blob, set()).add(owner.lower())
    return {blob for blob, who in owners.items() if len(who) > 1}


def licence(repo: Path, names: list[str]) -> str:
    for name in names:
        if "/" in name or not re.match(r"(?i)(licen[cs]e|copying)", name):
            continue
        text = git(repo, "show", f"HEAD:{name}").decode("utf-8", "replace")[:3000]
        for pattern, spdx in LICENCES:
            if re.search(pattern, text):
                return spdx
        return "other"
    return "none declared"


def gather(
    out: Path,
    mirrors: list[Path],
    per_repo: int = PER_REPO,
    skip: frozenset[str] = frozenset(),
    seen: set[str] | None = None,
) -> list[tuple[str, str, str, str, str]]:
    """Sorts the mirrors' files into OUT; repositories in `skip` (owner/name) and contents whose
    SHA-1 is in `seen` are left out."""
    rows: list[tuple[str, str, str, str, str]] = []
    seen = set() if seen is None else seen
    shared = blobs_forks_share(mirrors)
    for repo in mirrors:
        slug = repo.parent.name
        if (repo / ".git").is_dir():
            repo = repo / ".git"
        owner, _, name = slug.partition("+")
        if owner in NOT_USERS or not name or f"{owner}/{name}".lower() in skip:
            continue
        try:
            commit = git(repo, "rev-parse", "HEAD").decode().strip()
            names = git(repo, "ls-tree", "-r", "--name-only", "HEAD").decode("utf-8", "replace").splitlines()
        except subprocess.CalledProcessError:
            continue
        lic = licence(repo, names)
        tree = set(names)
        is_fork = any(n.startswith("quantum/") for n in names)
        if is_fork:
            # A fork of qmk_firmware or vial-qmk: only the keymaps its user wrote.
            own = fork_keymaps(repo)
            if own is None:
                continue
            names = [path for path, blob in own.items() if blob not in shared]
        else:
            # A user's repository holding a copy of an upstream's keymaps (a Keyball owner's copy of the maker's
            # tree): those copies are not the user's.
            blobs: dict[str, str] = {}
            for line in git(repo, "ls-tree", "-r", "HEAD").decode("utf-8", "replace").splitlines():
                info, _, path = line.partition("\t")
                if path.endswith("keymap.c") and info.split()[1] == "blob":
                    blobs[path] = info.split()[2]
            published = upstream_blobs(set(blobs.values()))
            names = [path for path in names if blobs.get(path) not in published]
        taken: dict[str, int] = {}
        for path in names:
            if not path.endswith((".json", ".vil", "keymap.c")):
                continue
            try:
                blob = git(repo, "show", f"HEAD:{path}")
            except subprocess.CalledProcessError:
                continue
            if len(blob) > 2_000_000:
                continue
            text = blob.decode("utf-8", "replace")
            kind = classify(path, text)
            # Counted apart (half as many a repository), so a userspace's wrapper keymaps are not crowded out
            # by its ordinary ones, nor the ordinary ones by them.
            bucket, limit = kind, per_repo
            if kind is None and path.endswith("keymap.c") and layers_elsewhere(repo, path, tree):
                kind, bucket, limit = "keymap.c", "keymap.c elsewhere", max(1, per_repo // 2)
            digest = hashlib.sha1(blob).hexdigest()
            if kind is None or bucket is None or digest in seen or taken.get(bucket, 0) >= limit:
                continue
            if is_fork and not changed_by_its_user(repo, path):
                continue
            seen.add(digest)
            taken[bucket] = taken.get(bucket, 0) + 1
            target = out / kind / f"{owner}__{name}__{path.replace('/', '__')}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob)
            rows.append((kind, f"{owner}/{name}", path, commit, lic))
    return rows


def qmk_keymaps() -> set[str]:
    """SHA-1s of the keymaps in the QMK trees here: a user's unchanged copy of one is QMK's file, not theirs."""
    found = set()
    for tree in sorted(Path("/work/trees").glob("qmk*/keyboards")):
        for file in tree.rglob("keymap.*"):
            if file.suffix in (".c", ".json"):
                found.add(hashlib.sha1(file.read_bytes()).hexdigest())
    return found


def held_out_manifest(out: Path) -> Path:
    """The manifest of a held-out corpus: its folder's trailing number names it (corpus3 → manifest3)."""
    number = re.search(r"(\d+)$", out.name)
    return MANIFEST.with_name(f"manifest{number.group(1) if number else 2}.tsv")


def main() -> None:
    held_out = "--held-out" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--held-out"]
    if any(a.startswith("-") for a in args):
        # An option taken for OUT would overwrite bench/corpus/manifest.tsv with a corpus of everything.
        print(__doc__)
        return
    out = Path(args[0]) if args else Path("/work/corpus")
    mirrors = [Path(a) for a in args[1:]] or sorted(MIRRORS.glob("*/repo"))
    manifest = held_out_manifest(out) if held_out else MANIFEST
    skip: frozenset[str] = frozenset()
    seen: set[str] = set()
    if held_out:
        others = [m for m in sorted(MANIFEST.parent.glob("manifest*.tsv")) if m != manifest]
        skip = frozenset(line.split("\t")[1].lower() for m in others for line in m.read_text().splitlines()[1:])
        folders = [Path("/work") / m.stem.replace("manifest", "corpus") for m in others]
        seen = {hashlib.sha1(f.read_bytes()).hexdigest() for d in folders for f in d.glob("*/*") if f.is_file()}
        seen |= qmk_keymaps()
    rows = gather(out, mirrors, per_repo=2 if held_out else PER_REPO, skip=skip, seen=seen)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with manifest.open("w") as handle:
        handle.write("kind\trepo\tpath\tcommit\tlicense\n")
        for row in sorted(rows):
            handle.write("\t".join(row) + "\n")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[0]] = counts.get(row[0], 0) + 1
    print(", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items())), f"({len(rows)} files) → {out}")


if __name__ == "__main__":
    main()
