"""`safestats-store` command line: the contract scripts, CI and admins rely on."""
from __future__ import annotations

import argparse
import getpass
import json
import math
import os
import sys
from datetime import date
from typing import Any, Callable

from sqlalchemy import select

from . import accounts, admin, audit, boundary_import, conditions, db, demo, formats, ingest, plugin_repo, tokens
from .catalogue import DATASETS

DEFAULT_DB = os.environ.get("SAFESTATS_DB", "var/safestats.sqlite")
MAX_DEMO_SCALE = 2.0  # twice the real annual volumes (~1.8M MPS records a year): more needs tens of GiB


def bounded(kind: type, lo: float, hi: float, what: str, lo_open: bool = False) -> Callable[[str], Any]:
    """An argparse ``type`` that accepts a finite ``kind`` number in [lo, hi] (or (lo, hi]) and
    otherwise makes argparse print a plain message and exit with status 2."""
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a {'whole ' if kind is int else ''}number "
                                             f"({what})") from None
        if not math.isfinite(value) or value > hi or (value <= lo if lo_open else value < lo):
            fmt = (lambda v: str(int(v))) if kind is int else (lambda v: f"{v:g}")
            low = f"more than {fmt(lo)}" if lo_open else f"at least {fmt(lo)}"
            raise argparse.ArgumentTypeError(f"{text[:40]} is out of range: {what} must be {low} and at most "
                                             f"{fmt(hi)}")
        return value
    parse.__name__ = kind.__name__  # argparse names the type in its own messages
    return parse


def _engine(args: argparse.Namespace):  # noqa: ANN202
    if args.db.startswith("sqlite:///") or "://" not in args.db:
        path = args.db.removeprefix("sqlite:///")
        os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
    return db.make_engine(args.db)

def cmd_init(args: argparse.Namespace) -> int:
    engine = _engine(args)
    db.create_schema(engine)
    with engine.begin() as conn:
        if conditions.current(conn) is None:
            conditions.publish(conn, conditions.DEFAULT_VERSION, conditions.DEFAULT_TITLE, conditions.DEFAULT_TEXT)
    print(f"schema ready in {db.normalise_url(args.db).split('@')[-1]}")
    return 0

def cmd_demo(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with engine.connect() as conn:
        db.create_schema(engine)
        if conn.execute(select(db.organisations.c.id).limit(1)).first():
            print("this database already holds organisations; use a new --db for the demo", file=sys.stderr)
            return 2
    if bool(args.boundaries_borough) != bool(args.boundaries_ward):
        print("give both --boundaries-borough and --boundaries-ward, or neither", file=sys.stderr)
        return 2
    files = (args.boundaries_borough, args.boundaries_ward, args.boundaries_vintage) if args.boundaries_ward else None
    try:
        result = demo.run(engine, scale=args.scale, password=args.password, seed=args.seed,
                          progress=lambda m: print(m, flush=True), boundary_files=files)
    except (boundary_import.BoundaryImportRejected, ValueError) as exc:
        print(f"demo not built: {exc}", file=sys.stderr)
        return 1
    print("\nDemo users (all share the demo password):")
    for username, org, role in result.users:
        if role != "analyst" or username.split(".")[0] in ("mopac", "westminster", "tfl", "hackney", "homeoffice",
                                                            "herts", "camden"):
            print(f"  {username:28s} {role:12s} {org}")
    print(f"  ... and an analyst for each of the {len(demo.organisations())} organisations: <org>.analyst")
    if args.password is None:
        print(f"\nDemo password: {result.password}")
    else:
        print("\nDemo password: the one given with --password")
    return 0

def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn
    os.environ["SAFESTATS_DB"] = args.db
    if args.allow_http:
        os.environ["SAFESTATS_ALLOW_HTTP"] = "1"
    uvicorn.run("safestats_store.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, proxy_headers=True, forwarded_allow_ips=args.forwarded_allow_ips,
                log_level=args.log_level, access_log=args.access_log)
    return 0

def cmd_ingest(args: argparse.Namespace) -> int:
    if args.dataset not in DATASETS:
        print(f"unknown dataset '{args.dataset}'; choose from: {', '.join(DATASETS)}", file=sys.stderr)
        return 2
    try:
        report = ingest.ingest_file(_engine(args), DATASETS[args.dataset], args.file, actor=args.actor,
                                    fmt=args.format)
    except ingest.IngestRejected as exc:
        print(exc.report.text(), file=sys.stderr)
        return 1
    print(report.text())
    return 0

def _password(args: argparse.Namespace) -> str:
    if getattr(args, "password_env", None):
        return os.environ[args.password_env]
    return getpass.getpass("New password: ")

def cmd_user(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with engine.begin() as conn:
        if args.user_cmd == "add":
            secret = None
            if args.totp:
                import pyotp
                secret = pyotp.random_base32()
            accounts.create_user(conn, args.username, args.display_name or args.username, args.org, args.role,
                                 _password(args), totp_secret=secret)
            print(f"user {args.username} created")
            if secret:
                print(f"TOTP secret (add to an authenticator app): {secret}")
        elif args.user_cmd == "passwd":
            accounts.set_password(conn, args.username, _password(args))
            print("password changed")
        elif args.user_cmd == "unlock":
            accounts.unlock(conn, args.username)
            print(f"{args.username} unlocked")
        elif args.user_cmd == "disable":
            conn.execute(db.users.update().where(db.users.c.username == args.username).values(active=False))
            print(f"{args.username} disabled")
        elif args.user_cmd == "list":
            for u in conn.execute(select(db.users).order_by(db.users.c.username)):
                print(f"{u.username:30s} {u.role:12s} {u.org_id:22s} {'active' if u.active else 'disabled'}")
    return 0

def cmd_org(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with engine.begin() as conn:
        if args.org_cmd == "add":
            admin.add_organisation(conn, args.id, args.name, args.kind, args.borough_code)
            print(f"organisation {args.id} created")
        else:
            for o in conn.execute(select(db.organisations).order_by(db.organisations.c.id)):
                print(f"{o.id:24s} {o.kind:10s} {o.name}")
    return 0

def cmd_dsa(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with engine.begin() as conn:
        if args.dsa_cmd == "add":
            from shapely import wkt as shapely_wkt
            area = shapely_wkt.loads(args.area_wkt) if args.area_wkt else None
            specs = [admin.GrantSpec(d, access=args.access, fields=tuple(args.fields.split(",")) if args.fields else None,
                                     area=area, area_name=args.area_name, history_months=args.history_months)
                     for d in args.datasets.split(",")]
            aid = admin.add_agreement(conn, args.org, args.title or f"SafeStats DSA - {args.org}",
                                      date.fromisoformat(args.signed_on), date.fromisoformat(args.expires_on), specs)
            print(f"agreement {aid} created")
        elif args.dsa_cmd in ("suspend", "resume"):
            n = admin.set_suspended(conn, args.org, args.dsa_cmd == "suspend")
            print(f"{n} agreement(s) of {args.org} {args.dsa_cmd}ed")
        else:
            print(json.dumps(admin.list_agreements(conn), indent=2))
    return 0

def cmd_conditions(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with engine.begin() as conn:
        if args.cond_cmd == "publish":
            with open(args.text_file, encoding="utf-8") as fh:
                c = conditions.publish(conn, args.version, args.title, fh.read())
            print(f"conditions {c.version} published: every user must accept them at their next sign-in")
        else:
            c = conditions.current(conn)
            print(json.dumps(c.as_json() if c else None, indent=2))
    return 0

def cmd_audit(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.audit_cmd == "verify":
        result = audit.verify(engine, args.expect_head)
        if result.ok:
            print(f"audit chain OK: {result.entries} entries; head {result.head or '(empty)'} "
                  "(keep it outside the database and pass it as --expect-head next time)")
            return 0
        print(f"audit chain BROKEN at entry {result.first_bad_seq}: {result.reason}", file=sys.stderr)
        return 1
    total, entries = audit.listing(engine, args.org, args.limit, 0)
    for e in entries:
        print(json.dumps(e, ensure_ascii=False))
    return 0

def cmd_tokens(args: argparse.Namespace) -> int:
    """``tokens list [--org ORG]`` / ``tokens revoke ID``: personal access tokens (never the secret)."""
    engine = _engine(args)
    tokens.ensure_schema(engine)
    if args.tokens_cmd == "list":
        for t in tokens.list_all(engine, args.org):
            print(json.dumps(t, ensure_ascii=False))
        return 0
    with engine.connect() as conn:
        row = conn.execute(select(db.personal_tokens, db.users.c.username, db.users.c.org_id)
                           .join(db.users, db.users.c.id == db.personal_tokens.c.user_id)
                           .where(db.personal_tokens.c.id == args.id)).first()
    if row is None:
        print(f"error: there is no token {args.id}", file=sys.stderr)
        return 2
    t = tokens.revoke_row(engine, row, "cli", None)
    print(f"token {t['id']} ({t['prefix']}…, {t['username']}) revoked")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="safestats-store", description="The SafeStats store")
    sub = p.add_subparsers(dest="cmd", required=True)

    dbp = argparse.ArgumentParser(add_help=False)
    dbp.add_argument("--db", default=DEFAULT_DB, help="SQLite file path / sqlite:///path or postgresql://...")
    for add in (_add_data_cli, _add_accounts_cli, _add_governance_cli, _add_tokens_cli, boundary_import.add_cli):
        add(sub, dbp)
    plugin_repo.add_cli(sub)
    return p


def _add_data_cli(sub: Any, dbp: argparse.ArgumentParser) -> None:
    """init, demo, serve, ingest."""
    sub.add_parser("init", help="create the schema", parents=[dbp]).set_defaults(func=cmd_init)
    d = sub.add_parser("demo", parents=[dbp], help="create demo organisations, agreements, users and synthetic data")
    d.add_argument("--scale", type=bounded(float, 0, MAX_DEMO_SCALE, "the scale", lo_open=True), default=0.05,
                   help=f"fraction of real annual volumes (1.0 = ~0.9M MPS/yr; more than 0, at most {MAX_DEMO_SCALE:g})")
    d.add_argument("--password", help="password for every demo user (default: random, printed)")
    d.add_argument("--seed", type=bounded(int, 0, 2**32 - 1, "the seed"), default=7)
    d.add_argument("--boundaries-borough", metavar="FILE", help="official borough file (ONS LAD…CD/NM) instead of "
                   "the synthetic boroughs; needs --boundaries-ward")
    d.add_argument("--boundaries-ward", metavar="FILE", help="official ward file (ONS WD…CD/NM)")
    d.add_argument("--boundaries-vintage", default="2022", help="the vintage of those files (default 2022)")
    d.set_defaults(func=cmd_demo)
    s = sub.add_parser("serve", parents=[dbp], help="serve the API")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=bounded(int, 1, 65535, "the port"), default=8765)
    s.add_argument("--workers", type=bounded(int, 1, 64, "the number of workers"), default=1)
    s.add_argument("--allow-http", action="store_true", help="accept plain HTTP from non-loopback clients (unsafe)")
    s.add_argument("--forwarded-allow-ips", default="127.0.0.1", help="reverse proxies trusted for X-Forwarded-*")
    s.add_argument("--log-level", default="info")
    s.add_argument("--access-log", action="store_true")
    s.set_defaults(func=cmd_serve)
    i = sub.add_parser("ingest", parents=[dbp], help="ingest a provider CSV extract")
    i.add_argument("dataset")
    i.add_argument("file")
    i.add_argument("--actor", default=os.environ.get("USER", "cli"))
    i.add_argument("--format", default=formats.DEFAULT, choices=list(formats.FORMATS),
                   help="the file's layout: the store's own (default) or a provider's (see docs/admin.md)")
    i.set_defaults(func=cmd_ingest)


def _add_accounts_cli(sub: Any, dbp: argparse.ArgumentParser) -> None:
    """user, org, dsa."""
    u = sub.add_parser("user", help="manage users")
    usub = u.add_subparsers(dest="user_cmd", required=True)
    ua = usub.add_parser("add", parents=[dbp])
    ua.add_argument("username")
    ua.add_argument("--org", required=True)
    ua.add_argument("--role", default="analyst", choices=accounts.ROLES)
    ua.add_argument("--display-name")
    ua.add_argument("--totp", action="store_true", help="require a TOTP second factor")
    ua.add_argument("--password-env", help="read the password from this environment variable")
    for name in ("passwd", "unlock", "disable"):
        sp = usub.add_parser(name, parents=[dbp])
        sp.add_argument("username")
        if name == "passwd":
            sp.add_argument("--password-env")
    usub.add_parser("list", parents=[dbp])
    u.set_defaults(func=cmd_user)

    o = sub.add_parser("org", help="manage organisations")
    osub = o.add_subparsers(dest="org_cmd", required=True)
    oa = osub.add_parser("add", parents=[dbp])
    oa.add_argument("id")
    oa.add_argument("name")
    oa.add_argument("--kind", default="borough")
    oa.add_argument("--borough-code")
    osub.add_parser("list", parents=[dbp])
    o.set_defaults(func=cmd_org)

    a = sub.add_parser("dsa", help="manage Data Sharing Agreements")
    asub = a.add_subparsers(dest="dsa_cmd", required=True)
    aa = asub.add_parser("add", parents=[dbp])
    aa.add_argument("org")
    aa.add_argument("--datasets", required=True, help="comma-separated dataset ids")
    aa.add_argument("--access", default="records", choices=["records", "aggregate"])
    aa.add_argument("--fields", help="comma-separated permitted fields (default all)")
    aa.add_argument("--area-wkt", help="EPSG:27700 polygon WKT")
    aa.add_argument("--area-name")
    aa.add_argument("--history-months", type=bounded(int, 1, 1200, "the history in months"))
    aa.add_argument("--signed-on", default=date.today().isoformat())
    aa.add_argument("--expires-on", required=True)
    aa.add_argument("--title")
    for name in ("suspend", "resume"):
        asub.add_parser(name, parents=[dbp]).add_argument("org")
    asub.add_parser("list", parents=[dbp])
    a.set_defaults(func=cmd_dsa)


def _add_governance_cli(sub: Any, dbp: argparse.ArgumentParser) -> None:
    """conditions, audit."""
    c = sub.add_parser("conditions", help="conditions of use")
    csub = c.add_subparsers(dest="cond_cmd", required=True)
    cp = csub.add_parser("publish", parents=[dbp])
    cp.add_argument("version")
    cp.add_argument("text_file")
    cp.add_argument("--title", default=conditions.DEFAULT_TITLE)
    csub.add_parser("show", parents=[dbp])
    c.set_defaults(func=cmd_conditions)

    au = sub.add_parser("audit", help="audit log")
    ausub = au.add_subparsers(dest="audit_cmd", required=True)
    av = ausub.add_parser("verify", parents=[dbp])
    av.add_argument("--expect-head", help="'<seq>:<hash>' printed by an earlier verify: also detects entries "
                                          "cut off the end of the log since then")
    al = ausub.add_parser("list", parents=[dbp])
    al.add_argument("--org")
    al.add_argument("--limit", type=bounded(int, 1, 100_000, "the number of entries"), default=50)
    au.set_defaults(func=cmd_audit)


def _add_tokens_cli(sub: Any, dbp: argparse.ArgumentParser) -> None:
    t = sub.add_parser("tokens", help="personal access tokens (list, revoke)")
    tsub = t.add_subparsers(dest="tokens_cmd", required=True)
    tl = tsub.add_parser("list", parents=[dbp], help="every token (never the secret): id, prefix, owner, status")
    tl.add_argument("--org", help="only this organisation's users' tokens")
    tr = tsub.add_parser("revoke", parents=[dbp], help="revoke one token by id")
    tr.add_argument("id", type=bounded(int, 1, 2**31 - 1, "the token id"))
    t.set_defaults(func=cmd_tokens)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args) or 0)

if __name__ == "__main__":
    sys.exit(main())
