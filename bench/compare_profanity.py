"""Compare chatguard with generic profanity filters on hard sentences from school chats.

    python bench/compare_profanity.py

44 sentences of our own, 22 that the code of conduct forbids (British swears, disguised
spellings, abuse and threats without a swear word) and 22 that must stay quiet (innocent words
containing a swear, place names, surnames, ordinary complaints). chatguard flags a sentence when
any rule fires (`chatguard.scan.check_text`); the peers are run in bench/.venv-peers (created on
demand, never the project's environment): better_profanity's ``contains_profanity`` and
alt-profanity-check's ``predict``. Prints a Markdown table of caught / false flags per tool.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = HERE / ".venv-peers"

SHOULD_FLAG = [
    "This is bloody ridiculous, nobody tells us anything",
    "what a pillock, honestly",
    "bollocks to the new homework policy",
    "sod off Karen, nobody asked you",
    "absolute sh1t show at pick up again",
    "f*ck this, I'm done with this school",
    "he's a complete tw@t",
    "f.u.c.k.i.n.g ridiculous",
    "honestly she couldn't run a bath",
    "Mr Hill hasn't got a clue what he's doing",
    "that woman is useless, the worst teacher in the school",
    "oh great, another genius idea from Mrs Patel 🙄",
    "this school is a joke, get your kids out while you can",
    "let's all send them in trainers and see what they do",
    "everyone just ignore the homework rule, they can't punish all of us",
    "Jack in 3B keeps hitting Ellie and nobody does anything",
    "the girl who keeps pushing in the line needs sorting out",
    "Mr Hill is stealing from the PTA, everyone knows it",
    "I'll be waiting for her at the gate tomorrow",
    "the autistic kid shouldn't be in a normal class",
    "typical of those people, they never pay for trips",
    "WHY DOES NOBODY AT THIS SCHOOL EVER ANSWER THE PHONE",
]
SHOULD_PASS = [
    "We drove through Scunthorpe on the way back",
    "Cocktail evening for the PTA on Friday!",
    "The assassin costume was a hit at the party",
    "Mr Hancock's class won the quiz",
    "Holiday cottage in Cockermouth, highly recommend",
    "Shiitake mushrooms on the harvest stall",
    "Penistone Road is closed again",
    "Dick Whittington panto tickets are on sale",
    "Spotted dick and custard for pudding today",
    "Mr Pratt the caretaker fixed the gate",
    "He fell and has a bloody nose, the nurse cleaned it up",
    "The traffic on Stourbridge Road is a nightmare today",
    "Lost: navy jumper with Jack's name label, size 7-8",
    "Amelia's party is Saturday at 2, all welcome!",
    "I emailed the office about dinner money",
    "Mrs Patel was brilliant at the assembly",
    "Does anyone know the uniform policy on trainers?",
    "Will you bring cakes for the fair?",
    "Grace and Rose are having a sleepover",
    "Sussex or Essex for half term?",
    "Class assembly on Friday, please pass it on",
    "ugh this rain!! soaked at drop off",
]

PEER_SCRIPT = r"""
import json, sys
sentences = json.loads(sys.stdin.read())
out = {}
try:
    from better_profanity import profanity
    profanity.load_censor_words()
    out["better_profanity"] = [bool(profanity.contains_profanity(s)) for s in sentences]
except Exception as exc:
    out["better_profanity"] = f"unavailable: {exc}"
try:
    from profanity_check import predict
    out["alt-profanity-check"] = [bool(x) for x in predict(sentences)]
except Exception as exc:
    out["alt-profanity-check"] = f"unavailable: {exc}"
print(json.dumps(out))
"""


def ensure_peers() -> Path:
    python = PEERS / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=True).create(PEERS)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "better-profanity", "alt-profanity-check"],
        check=False,
    )
    return python


def main() -> int:
    sentences = SHOULD_FLAG + SHOULD_PASS
    truth = [True] * len(SHOULD_FLAG) + [False] * len(SHOULD_PASS)
    from chatguard.scan import check_text, load_ruleset

    rules = load_ruleset()
    results: dict[str, list[bool] | str] = {
        "chatguard": [bool(check_text(s, rules)) for s in sentences]
    }
    python = ensure_peers()
    done = subprocess.run(
        [str(python), "-c", PEER_SCRIPT],
        input=json.dumps(sentences),
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        results.update(json.loads(done.stdout.strip().splitlines()[-1]))
    except (IndexError, json.JSONDecodeError):
        print(done.stderr, file=sys.stderr)
    print(f"| tool | caught (of {len(SHOULD_FLAG)}) | false flags (of {len(SHOULD_PASS)}) |")
    print("|---|---:|---:|")
    for tool, flags in results.items():
        if isinstance(flags, str):
            print(f"| {tool} | {flags} | |")
            continue
        caught = sum(1 for f, t in zip(flags, truth, strict=True) if f and t)
        false = sum(1 for f, t in zip(flags, truth, strict=True) if f and not t)
        print(f"| {tool} | {caught} | {false} |")
    if "-v" in sys.argv:
        chatguard = results["chatguard"]
        assert isinstance(chatguard, list)
        for sentence, flag, want in zip(sentences, chatguard, truth, strict=True):
            if flag != want:
                print(f"chatguard {'missed' if want else 'false flag'}: {sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
