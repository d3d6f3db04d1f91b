"""A Python trainer reporting to a trialkit server: POST protocol events to /events.

Run `npm start` (or `npx trialkit demo`) first, then `python3 post_events.py [http://127.0.0.1:5177]`.
Standard library only. The events follow trialkit's protocol (JSON Schema: trialkit/protocol/schema.json).
"""
import json
import math
import sys
import time
import urllib.request
import uuid

SERVER = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5177"
now_ms = lambda: int(time.time() * 1000)
seq = 0


def post(*events):
    """Sends events in one request; the server validates each and answers 202 or says what is wrong."""
    global seq
    for event in events:
        seq += 1
        event.update(v=3, seq=seq)
    request = urllib.request.Request(
        f"{SERVER}/events", data=json.dumps(list(events)).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


study = {"id": "py-sweep", "name": "Python sweep", "status": "running", "createdAt": now_ms(),
         "objective": {"metric": "loss", "direction": "minimize"}, "targetTrials": 3}
post({"type": "study.upsert", "study": study})
print(f"posting study py-sweep to {SERVER}: open the dashboard there to watch it")

for number, lr in enumerate([0.1, 0.01, 0.001]):
    trial = {"id": f"py-sweep-{number}", "studyId": "py-sweep", "number": number, "status": "running",
             "params": {"lr": lr}, "startedAt": now_ms()}
    post({"type": "trial.upsert", "trial": trial})
    for step in range(50):
        loss = 2 * math.exp(-step * lr * 10) + 0.1
        post({"type": "metrics.append", "batches": [
            {"trialId": trial["id"], "key": "loss", "steps": [step], "values": [loss], "timestamps": [now_ms()]}]})
        if step == 25 and lr == 0.1:
            # A step annotation: drawn on every chart of the trial, listed with its comments.
            post({"type": "comment.upsert", "trialId": trial["id"], "comment": {
                "id": uuid.uuid4().hex, "author": "post_events.py", "text": "lr warm-up over",
                "createdAt": now_ms(), "step": step, "key": "loss"}})
        time.sleep(0.1)
    # A comment (no step), a tag and a star; a trial.upsert that leaves them out keeps them.
    post({"type": "comment.upsert", "trialId": trial["id"], "comment": {
        "id": uuid.uuid4().hex, "author": "post_events.py", "text": f"final loss {loss:.4f}", "createdAt": now_ms()}},
         {"type": "trial.patch", "trialId": trial["id"], "tags": {"source": "python"}, "starred": number == 0})
    post({"type": "trial.upsert", "trial": {**trial, "status": "succeeded", "endedAt": now_ms()}})
    print(f"trial {number} (lr={lr}) done: final loss {loss:.4f}")
