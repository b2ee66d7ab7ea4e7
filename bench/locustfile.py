"""Load test: the 136 référents of the scale dataset (two per SLSP) sign in, browse and
log moments against gunicorn on loopback. bench/run.py starts it headless, bounded in
users and time:

    locust -f bench/locustfile.py --headless -u 136 -r 2 -t 190s --host http://127.0.0.1:PORT

(68 s of arrivals, two sign-ins a second, then 2 minutes with all 136 at work.)

Each simulated référent signs in with its own scale account (password DEMO_PASSWORD),
reads its home page, household list (plain and searched), follow-up list and household
pages, and logs moments on those households, as in a working day compressed.

BENCH_WAIT="min,max" sets the pause between clicks in seconds (default 1 to 3 s, the
compressed day); bench/run.py --during-builds uses a référent's real pace.
BENCH_SIGNIN_BARRIER=N: every user, once signed in, waits until N users have signed in
(or two minutes) before its first page, so the sign-in burst is timed on its own and
the pages' percentiles are not those of requests queued behind password hashing.
"""

import datetime
import itertools
import os
import random
import re
import threading

import gevent.event
from locust import HttpUser, between, task

DOMAIN = "scale.slsp-referent.be"
PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-slsp-2026")
SLSPS = int(os.environ.get("SCALE_SLSPS", "68"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOUSEHOLD = re.compile(r'href="/menages/([0-9a-f-]{36})/"')
SEARCHES = ["Lambert", "Dubois", "Rue du Centre", "Cité 03", "E0"]
KINDS = ["telephone", "visite_domicile", "bureau", "entretien_impayes", "orientation"]
WAIT_MIN, WAIT_MAX = (float(x) for x in os.environ.get("BENCH_WAIT", "1,3").split(","))

_accounts = itertools.cycle(
    [f"referent.{n:02d}-{i}@{DOMAIN}" for n in range(1, SLSPS + 1) for i in (1, 2)]
)
_lock = threading.Lock()
SIGNIN_BARRIER = int(os.environ.get("BENCH_SIGNIN_BARRIER", "0"))
_signed_in = 0
_all_signed_in = gevent.event.Event()


def next_account() -> str:
    with _lock:
        return next(_accounts)


class Referent(HttpUser):
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self):
        self.email = next_account()
        self.rng = random.Random(self.email)
        page = self.client.get("/comptes/connexion/", name="login form")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/comptes/connexion/",
            {"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/comptes/connexion/"},
            name="login",
        )
        if "/comptes/connexion/" in response.url:
            response.failure(f"login refused for {self.email}")
        if SIGNIN_BARRIER:
            global _signed_in
            _signed_in += 1
            if _signed_in >= SIGNIN_BARRIER:
                _all_signed_in.set()
            _all_signed_in.wait(timeout=120)
        self.households = []
        self.household_list()

    def household_list(self, query=""):
        url = "/menages/" + (f"?q={query}" if query else "")
        name = "household list (search)" if query else "household list"
        page = self.client.get(url, name=name)
        found = HOUSEHOLD.findall(page.text)
        if found:
            self.households = found

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(2)
    def households_plain(self):
        self.household_list()

    @task(2)
    def households_search(self):
        self.household_list(self.rng.choice(SEARCHES))

    @task(1)
    def follow_ups(self):
        self.client.get("/accompagnement/suivis/", name="follow-up list")

    @task(4)
    def household_page(self):
        if self.households:
            uuid = self.rng.choice(self.households)
            self.client.get(f"/menages/{uuid}/", name="household page")

    @task(3)
    def log_moment(self):
        if not self.households:
            return
        uuid = self.rng.choice(self.households)
        page = self.client.get(f"/menages/{uuid}/", name="household page")
        match = CSRF.search(page.text)
        if not match:
            return
        with self.client.post(
            f"/accompagnement/menage/{uuid}/moment/",
            {
                "csrfmiddlewaretoken": match.group(1),
                "moment-kind": self.rng.choice(KINDS),
                "moment-date": datetime.date.today().isoformat(),
                "moment-duration_minutes": str(self.rng.choice([15, 30, 45])),
                "moment-note": "Charge : moment enregistré",
            },
            headers={
                "Accept": "application/json",
                "Referer": f"{self.host}/menages/{uuid}/",
            },
            name="log moment",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not response.json().get("ok"):
                response.failure(f"moment refused: {response.status_code} {response.text[:200]}")
