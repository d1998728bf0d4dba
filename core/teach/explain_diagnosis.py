"""The diagnoses of core/model/diagnosis.py as sentences: each quotes the share or the seconds it was
read with, and says what a user does about it. Nothing here decides a cause."""

from __future__ import annotations

from paraviz.core.i18n import N_, _, num
from paraviz.core.model.diagnosis import Diagnosis

#: What stuck threads waited on.
STUCK_ON = {
    "lock": N_("a lock, a condition or another thread's end"),
    "pipe": N_("a pipe (a multiprocessing queue or a worker that will never answer)"),
    "join": N_("a child process's end"),
}
#: What threads blocked in each kind of I/O did.
IO_DOING = {
    "sleep": N_("slept"),
    "pipe": N_("waited on a pipe (a parent or a worker: the next task, or a result)"),
    "socket": N_("waited on the network (a socket)"),
    "file": N_("waited on files (disk)"),
    "join": N_("waited for a child process to end"),
    "poll": N_("waited in poll or select, on several pipes or sockets"),
    "other": N_("waited in another system call"),
}


def subject(d: Diagnosis) -> str:
    """ "its threads", or "its 8 busy threads (of 64 read)" where the idle ones were left out."""
    if d.threads is not None and d.of is not None and d.threads < d.of:
        return _("its {threads} busy threads (of {read} read)").format(threads=d.threads, read=d.of)
    return _("its threads")


def stuck_text(seconds: float, on: str | None) -> str:
    """The live line: "stuck 8 s: every thread waits on a lock …"."""
    what = _(STUCK_ON.get(on or "lock", STUCK_ON["lock"]))
    return _("stuck {seconds} s: every thread waits on {what}").format(seconds=num(seconds, ".0f"), what=what)


def diagnosis_sentence(lane: str, d: Diagnosis) -> str:
    """One diagnosis of one lane as a sentence."""
    share = num(d.share or 0.0, ".0%")
    if d.kind == "stuck":
        what = _(STUCK_ON.get(d.detail or "lock", STUCK_ON["lock"]))
        return _(
            "{lane}: stuck for {seconds} s: every thread waited on {what} and none used a CPU: a deadlock, "
            "or a wait nothing will end (a queue's join, an item never marked done)."
        ).format(lane=lane, seconds=num(d.seconds or 0.0, ".0f"), what=what)
    if d.kind == "one_at_a_time":
        return _(
            "{lane}: its worker processes ran one at a time ({count} seen busy, never two at once): a start() "
            "followed by its join() in one loop, or a lock around the work."
        ).format(lane=lane, count=d.threads)
    if d.kind == "gil":
        return _("{lane}: {who} waited for the GIL {share} of their time: one ran Python at a time.").format(
            lane=lane, who=subject(d), share=share
        )
    if d.kind == "lock" and d.detail == "lock_or_gil":
        return _(
            "{lane}: {who} waited on a lock or the GIL {share} of their time (its syscalls could not be read "
            "to tell them apart)."
        ).format(lane=lane, who=subject(d), share=share)
    if d.kind == "lock":
        return _(
            "{lane}: {who} waited on a lock, semaphore or condition {share} of their time, not for the GIL: "
            "one held it while the others waited."
        ).format(lane=lane, who=subject(d), share=share)
    if d.kind == "oversubscribed":
        return _(
            "{lane}: {who} waited for a free core {share} of their time (runnable, not running): more busy "
            "threads or processes than cores."
        ).format(lane=lane, who=subject(d), share=share)
    if d.kind == "io":
        return _("{lane}: {who} {doing} {share} of their time.").format(
            lane=lane, who=subject(d), doing=_(IO_DOING.get(d.detail or "other", IO_DOING["other"])), share=share
        )
    if d.kind == "many_threads":
        return _(
            "{lane}: {seen} threads at once, more than are read at each look: {read} were read, those that "
            "used a CPU; the others used none while unread, and no share here counts them."
        ).format(lane=lane, seen=d.of, read=d.threads)
    return f"{lane}: {d.kind}"


def diagnosis_sentences(lane: str, diagnoses: tuple[Diagnosis, ...]) -> list[str]:
    return [diagnosis_sentence(lane, d) for d in diagnoses]
