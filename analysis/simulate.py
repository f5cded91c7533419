"""Simulated demo data with documented, planted effects.

The demo data set lets anyone run a whole study on a fresh machine and lets the tests check that
each hypothesis recovers what was planted. It is deterministic: the same seed gives byte-identical
tables. Everything in it is invented; reports built on it say so (``DATASET.json`` carries
``"simulated": true``).

The generative model is documented in ``docs/demo-data.md`` and summarised by
:data:`PLANTED_EFFECTS`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.schema import CanonicalTables, validate_tables

PLATFORMS = ("facebook", "twitter", "instagram", "youtube")
COLLECTED_AT = pd.Timestamp("2024-07-08T00:00:00Z")
PERIOD_START = pd.Timestamp("2024-01-01T00:00:00Z")
PERIOD_END = pd.Timestamp("2024-06-30T23:59:59Z")

#: The effects planted in the demo data (see docs/demo-data.md). Values are on the effect's scale.
PLANTED_EFFECTS = {
    "H1": {
        "effect": "IRR",
        "value": 0.5,
        "direction": "less",
        "meaning": "business pages get half the replies per post of personal pages",
    },
    "H2": {
        "effect": "OR",
        "value": 0.4,
        "direction": "less",
        "meaning": "business pages answer non-negative comments with odds 0.4 times personal "
        "pages'",
    },
    "H3": {
        "effect": "IRR",
        "value": 1.5,
        "direction": "greater",
        "meaning": "question posts get 1.5 times the replies of other posts of the same page",
    },
    # H4 is two claims (analysis.stats.hypotheses.SPLIT): answering less, and answering later
    "H4a": {
        "effect": "OR",
        "value": 0.4,
        "direction": "less",
        "meaning": "business pages answer (within the 72 h window) with odds about 0.4 times "
        "personal pages'"
        " (the H2 answer model; below 0.4 for negative comments, and late answers barely matter)",
    },
    "H4b": {
        "effect": "GMR",
        "value": 3.0,
        "direction": "greater",
        "meaning": "answered comments: business delays 3x longer (Weibull shape 0.8, scale 6 h vs "
        "2 h, so the"
        " ratio of geometric means is 3; the 72 h window cuts off under 0.1 % of answers)",
    },
    "H5": {
        "effect": "rho",
        "value": 0.0,
        "direction": "equivalence",
        "meaning": "replies rise with followers by an elasticity of only 0.03 (rho near 0)",
    },
    "H6": {
        "effect": "OR",
        "value": 0.5,
        "direction": "less",
        "meaning": "business pages answer negative comments with odds 0.5 times their other "
        "comments",
    },
    "promotional_null": {
        "effect": "IRR",
        "value": 1.0,
        "direction": "less",
        "meaning": "promotional posts get as many replies as other posts (planted null)",
    },
}

# Generative parameters (see docs/demo-data.md)
N_ACCOUNTS_PER_TYPE = 80
BASE_REPLIES = 6.0
NB_ALPHA = 1.2
PAGE_SD = 0.5
FOLLOWERS_ELASTICITY = 0.03
QUESTION_P = 0.25
PROMOTION_P_BUSINESS = 0.4
PROMOTION_P_PERSONAL = 0.1
BASE_ANSWER_P = 0.45
ANSWER_PAGE_SD = 0.5
DELAY_SHAPE = 0.8
DELAY_SCALE_PERSONAL_H = 2.0
DELAY_SCALE_BUSINESS_H = 6.0

TEXTS = {
    "en": {
        "question": [
            "What do you think about {topic}?",
            "Which {topic} should we try next?",
            "Have you ever tried {topic}? Tell us!",
            "How do you use {topic} at home?",
            "Where would you take {topic} this summer?",
            "Any tips for {topic}?",
        ],
        "promotion": [
            "20% off all {topic} this weekend only, shop now at our store!",
            "New {topic} collection out today. Order now, free delivery!",
            "Don't miss our {topic} sale: buy one, get one free. Link in bio.",
            "Limited offer on {topic}! Use code SAVE10 at checkout.",
        ],
        "other": [
            "Our morning with {topic}.",
            "Some thoughts on {topic} after this week.",
            "Behind the scenes: {topic}.",
            "A quiet day, a bit of {topic}.",
            "Photos from the {topic} event yesterday.",
        ],
        "praise": [
            "Love this, thank you so much!",
            "Great job, this is wonderful!",
            "Amazing, I really enjoyed it",
            "So beautiful, well done!",
            "Brilliant, thanks for sharing!",
        ],
        "complaint": [
            "Terrible service, I am very disappointed.",
            "This is awful, my order never arrived.",
            "Worst experience ever, nobody answers my emails.",
            "Really bad quality, I want a refund.",
            "Horrible, the product broke after one day. Angry!",
        ],
        "cquestion": [
            "When will this be available?",
            "How much does it cost?",
            "Is this still open on Sunday?",
            "Can you ship to Canada?",
            "Where can I find the details?",
        ],
        "neutral": [
            "I saw this on the news.",
            "Tagging my brother here.",
            "Same as last year.",
            "The event is on Tuesday.",
            "Posted from my phone.",
        ],
        "owner": [
            "Thanks for your message, we'll look into it.",
            "Thank you! Glad you like it.",
            "Hi, please send us a private message with the details.",
            "Yes, from next Monday.",
            "Good question, it is on our website.",
        ],
        "back": [
            "Thanks for the quick answer.",
            "Ok, I sent the details.",
            "Great, thank you.",
            "Still waiting for a solution.",
        ],
        "topics": [
            "coffee",
            "running shoes",
            "the new menu",
            "gardening",
            "our podcast",
            "vintage cameras",
            "the city marathon",
            "homemade bread",
            "electric bikes",
            "board games",
        ],
    },
    "fr": {
        "question": [
            "Que pensez-vous de {topic} ?",
            "Quel {topic} devrions-nous essayer ensuite ?",
            "Avez-vous déjà essayé {topic} ? Dites-nous !",
            "Comment utilisez-vous {topic} chez vous ?",
            "Où emmèneriez-vous {topic} cet été ?",
            "Des conseils pour {topic} ?",
        ],
        "promotion": [
            "-20 % sur tous les {topic} ce week-end seulement, achetez maintenant en boutique !",
            "Nouvelle collection {topic} disponible aujourd'hui. Commandez, livraison gratuite !",
            "Ne manquez pas nos soldes {topic} : un acheté, un offert. Lien en bio.",
            "Offre limitée sur {topic} ! Code PROMO10 à la caisse.",
        ],
        "other": [
            "Notre matinée avec {topic}.",
            "Quelques réflexions sur {topic} cette semaine.",
            "Les coulisses : {topic}.",
            "Une journée calme, un peu de {topic}.",
            "Photos de l'événement {topic} d'hier.",
        ],
        "praise": [
            "J'adore, merci beaucoup !",
            "Super travail, c'est magnifique !",
            "Génial, j'ai vraiment aimé",
            "Très beau, bravo !",
            "Excellent, merci du partage !",
        ],
        "complaint": [
            "Service nul, je suis très déçu.",
            "C'est horrible, ma commande n'est jamais arrivée.",
            "Pire expérience, personne ne répond à mes mails.",
            "Qualité vraiment mauvaise, je veux être remboursé.",
            "Honteux, le produit est cassé après un jour. Inadmissible !",
        ],
        "cquestion": [
            "Quand sera-t-il disponible ?",
            "Combien ça coûte ?",
            "Est-ce ouvert le dimanche ?",
            "Livrez-vous en Belgique ?",
            "Où trouver les détails ?",
        ],
        "neutral": [
            "Vu aux informations.",
            "Je tague mon frère ici.",
            "Comme l'an dernier.",
            "L'événement a lieu mardi.",
            "Publié depuis mon téléphone.",
        ],
        "owner": [
            "Merci pour votre message, nous regardons cela.",
            "Merci ! Ravis que cela vous plaise.",
            "Bonjour, envoyez-nous un message privé avec les détails.",
            "Oui, à partir de lundi prochain.",
            "Bonne question, c'est sur notre site.",
        ],
        "back": [
            "Merci pour la réponse rapide.",
            "D'accord, j'ai envoyé les détails.",
            "Parfait, merci.",
            "J'attends toujours une solution.",
        ],
        "topics": [
            "café",
            "chaussures de course",
            "nouveau menu",
            "jardinage",
            "notre podcast",
            "appareils photo anciens",
            "marathon de la ville",
            "pain maison",
            "vélos électriques",
            "jeux de société",
        ],
    },
}
COMMENT_KINDS = ("praise", "complaint", "cquestion", "neutral")
COMMENT_KIND_P = (0.35, 0.25, 0.2, 0.2)
XSS_PROBE = "Nice post <script>alert('xss')</script> <img src=x onerror=\"alert('xss')\">"


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _expit(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def _balanced_effects(rng: np.random.Generator, groups: pd.Series, sd: float) -> np.ndarray:
    """Normal quantiles ``sd * Phi^-1((k + 0.5) / n)`` assigned in random order within each
    group."""
    from scipy.stats import norm

    out = np.zeros(len(groups))
    for _, idx in groups.groupby(groups).indices.items():
        q = sd * norm.ppf((np.arange(len(idx)) + 0.5) / len(idx))
        out[idx] = rng.permutation(q)
    return out


def _simulate_accounts(rng: np.random.Generator) -> pd.DataFrame:
    n = 2 * N_ACCOUNTS_PER_TYPE
    types = np.array(["business"] * N_ACCOUNTS_PER_TYPE + ["personal"] * N_ACCOUNTS_PER_TYPE)
    platforms = rng.choice(PLATFORMS, size=n)
    langs = np.where(rng.random(n) < 0.6, "en", "fr")
    followers = np.round(np.exp(rng.normal(np.log(5000), 1.6, size=n))).astype(int) + 10
    rows = []
    for i in range(n):
        kind = "shop" if types[i] == "business" else "user"
        handle = f"{kind}{i:03d}_{langs[i]}"
        rows.append(
            {
                "account_id": f"{platforms[i]}:{handle}",
                "platform": platforms[i],
                "handle": handle,
                "display_name": f"{'Shop' if kind == 'shop' else 'Person'} {i:03d}",
                "account_type": types[i],
                "account_type_source": "simulation",
                "followers": int(followers[i]),
                "category": "Shopping & retail" if kind == "shop" else None,
                "collected_at": COLLECTED_AT,
                "language": langs[i],
            }
        )
    return pd.DataFrame(rows)


def simulate_demo(seed: int = 20240101) -> CanonicalTables:
    """Simulate the demo data set (see docs/demo-data.md for the model and planted effects).

    Parameters
    ----------
    seed : int
        Seed of the random generator; the same seed gives identical tables.

    Returns
    -------
    CanonicalTables
        accounts (160), posts (about 4,000) and comments (about 40,000), validated.

    Examples
    --------
    >>> t = simulate_demo(1)
    >>> sorted(t.accounts.account_type.unique())
    ['business', 'personal']
    """
    rng = np.random.default_rng(seed)
    accounts = _simulate_accounts(rng)
    period_s = (PERIOD_END - PERIOD_START).total_seconds()
    posts, comments = [], []
    probe_placed = False
    # Page effects: the same normal quantiles in both groups, shuffled within each group, so that
    # the
    # page-level heterogeneity is as large as planted but cannot by chance favour one group.
    page_effects = _balanced_effects(rng, accounts["account_type"], PAGE_SD)
    answer_effects = _balanced_effects(rng, accounts["account_type"], ANSWER_PAGE_SD)
    for i, acc in enumerate(accounts.itertuples(index=False)):
        business = acc.account_type == "business"
        lang = acc.language
        texts = TEXTS[lang]
        page_effect = page_effects[i]
        answer_effect = answer_effects[i]
        audience = [f"demo:user:{acc.handle}:{k}" for k in range(int(rng.integers(15, 120)))]
        n_posts = int(rng.integers(10, 41))
        for j in range(n_posts):
            post_id = f"{acc.platform}:{acc.handle}:p{j:03d}"
            created = PERIOD_START + pd.Timedelta(seconds=float(rng.random() * period_s))
            created = created.floor("s")
            question = rng.random() < QUESTION_P
            # promotion is drawn independently of questions, so that promotion is a true null for
            # replies
            promotion = rng.random() < (PROMOTION_P_BUSINESS if business else PROMOTION_P_PERSONAL)
            topic = _pick(rng, texts["topics"])
            parts = ([_pick(rng, texts["promotion"])] if promotion else []) + (
                [_pick(rng, texts["question"])] if question else []
            )
            text = " ".join(parts or [_pick(rng, texts["other"])]).format(topic=topic)
            log_mu = (
                np.log(BASE_REPLIES)
                + np.log(0.5) * business
                + np.log(1.5) * question
                + FOLLOWERS_ELASTICITY * np.log(acc.followers / 5000)
                + page_effect
            )
            mu = np.exp(log_mu)
            # NB2: gamma-Poisson mixture with var = mu + alpha mu^2
            n_replies = int(rng.poisson(rng.gamma(1 / NB_ALPHA, NB_ALPHA * mu)))
            post_comments = _simulate_thread(
                rng, acc, post_id, created, n_replies, audience, lang, business, answer_effect
            )
            if not probe_placed and post_comments:
                post_comments[0]["text"] = XSS_PROBE
                probe_placed = True
            comments.extend(post_comments)
            posts.append(
                {
                    "post_id": post_id,
                    "account_id": acc.account_id,
                    "platform": acc.platform,
                    "created_at": created,
                    "text": text,
                    "lang": lang,
                    "media_type": _pick(rng, ["photo", "text", "video", "link"]),
                    "url": f"https://example.invalid/{acc.platform}/{acc.handle}/{j}",
                    "reported_comments": len(post_comments) + int(rng.integers(0, 3)),
                    "likes": int(rng.poisson(mu * 4 + 1)),
                    "shares": int(rng.poisson(mu / 2 + 0.1)),
                    "collected_at": COLLECTED_AT,
                }
            )
    tables = CanonicalTables(
        accounts.drop(columns="language"), pd.DataFrame(posts), pd.DataFrame(comments)
    )
    return validate_tables(tables, source="simulate_demo")


def _simulate_thread(
    rng, acc, post_id, post_created, n_replies, audience, lang, business, answer_effect
):
    """Audience comments under one post, owner replies, answers back (nested threads)."""
    rows: list[dict] = []
    counter = 0

    def add(parent, author, created, text, depth):
        nonlocal counter
        cid = f"{post_id}:c{counter:04d}"
        counter += 1
        is_owner = author == acc.account_id
        rows.append(
            {
                "comment_id": cid,
                "post_id": post_id,
                "parent_id": parent,
                "author_id": author,
                "is_owner": is_owner,
                "created_at": created.floor("s"),
                "text": text,
                "lang": lang,
                "depth": depth,
            }
        )
        return cid

    for _ in range(n_replies):
        clang = lang if rng.random() < 0.9 else ("fr" if lang == "en" else "en")
        texts = TEXTS[clang]
        kind = COMMENT_KINDS[int(rng.choice(len(COMMENT_KINDS), p=COMMENT_KIND_P))]
        negative = kind == "complaint"
        created = post_created + pd.Timedelta(hours=float(rng.exponential(6.0)))
        if created > COLLECTED_AT:
            continue
        author = _pick(rng, audience)
        cid = add(None, author, created, _pick(rng, texts[kind]), 0)
        rows[-1]["lang"] = clang
        if rng.random() < 0.08:  # another audience member replies (audience-to-audience)
            t = created + pd.Timedelta(hours=float(rng.exponential(3.0)))
            if t <= COLLECTED_AT:
                add(cid, _pick(rng, audience), t, _pick(rng, texts["neutral"]), 1)
                rows[-1]["lang"] = clang
        logit = (
            np.log(BASE_ANSWER_P / (1 - BASE_ANSWER_P))
            + np.log(0.4) * business
            + np.log(0.5) * (business and negative)
            + answer_effect
        )
        if rng.random() >= _expit(logit):
            continue
        scale = DELAY_SCALE_BUSINESS_H if business else DELAY_SCALE_PERSONAL_H
        t = created + pd.Timedelta(hours=float(scale * rng.weibull(DELAY_SHAPE)))
        parent, depth = cid, 1
        # owner answers; the commenter may answer back, and the owner again (dialogue turns)
        while t <= COLLECTED_AT and depth <= 4:
            owner_cid = add(parent, acc.account_id, t, _pick(rng, TEXTS[lang]["owner"]), depth)
            if depth + 1 > 4 or rng.random() >= 0.3:
                break
            t = t + pd.Timedelta(hours=float(rng.exponential(2.0)))
            if t > COLLECTED_AT:
                break
            parent = add(owner_cid, author, t, _pick(rng, texts["back"]), depth + 1)
            depth += 2
            if rng.random() >= 0.4:
                break
            t = t + pd.Timedelta(hours=float(scale * rng.weibull(DELAY_SHAPE)))
    return rows


def write_demo_raw(directory: Path, seed: int = 20240101) -> dict[str, Path]:
    """Write the simulated tables as canonical Parquet plus ``DATASET.json`` into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = simulate_demo(seed)
    paths = {}
    for name, df in tables.items():
        paths[name] = directory / f"{name}.parquet"
        df.to_parquet(paths[name], index=False)
    info = {
        "name": "demo",
        "simulated": True,
        "seed": seed,
        "description": "Simulated demo data set of Dialogic; nothing in it is real. See "
        "docs/demo-data.md.",
        "planted_effects": PLANTED_EFFECTS,
    }
    (directory / "DATASET.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    paths["dataset"] = directory / "DATASET.json"
    return paths
