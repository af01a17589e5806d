"""Encoder: :class:`~imsalg.h248.model.Message` → H.248.1 Annex B text, pretty or compact.

Pretty output uses the long tokens, one command, descriptor block or stream per line with
two-space indentation, and keeps leaf descriptors (TerminationState, LocalControl, Events,
Signals, ObservedEvents, Error, …) on one line, as in SPEC.md §12.3 (a). Compact output uses
the short tokens and no white space except the line break after the header and around SDP,
as in §12.3 (b). SDP in Local/Remote is written byte for byte on its own lines, with ``}``
escaped as ``\\}`` (Annex B.2 octetString).

The encoder is also where the model's spelling rules are enforced: a name that is not a
SafeChars run, a quoted value with a ``"`` in it, an SDP text that would not read back the
same, an identifier out of its UINT range… raise :class:`~imsalg.errors.H248Error` naming the
item. What the encoder writes, the decoder reads back as the same model.

Speed: each style's layout strings (``" {\\n"`` or ``"{"``…) and hot token spellings are set
once per writer, blocks on the hot paths are written as single f-strings, and checks of
plain names and numbers take a fast path whose failure falls back to the function that
raises the precise error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from imsalg.errors import H248Error
from imsalg.h248 import _vocabulary as vocabulary
from imsalg.h248 import model as m
from imsalg.h248._bound import (
    T_AUDIT,
    T_AUTHENTICATION,
    T_BUFFER,
    T_CONTEXT,
    T_CONTEXT_ATTR,
    T_CONTEXT_AUDIT,
    T_DELAY,
    T_DIGIT_MAP,
    T_DIRECTION,
    T_DURATION,
    T_EMBED,
    T_EMERGENCY,
    T_EMERGENCY_OFF,
    T_ERROR,
    T_EVENT_BUFFER,
    T_EVENTS,
    T_IEPS_CALL,
    T_IMM_ACK_REQUIRED,
    T_INTERSIGNAL,
    T_KEEP_ACTIVE,
    T_LOCAL,
    T_LOCAL_CONTROL,
    T_MEDIA,
    T_MEGACO,
    T_METHOD,
    T_MGC_ID_TO_TRY,
    T_MODE,
    T_MTP,
    T_MUX,
    T_NOTIFY_COMPLETION,
    T_OBSERVED_EVENTS,
    T_OFF,
    T_ON,
    T_PACKAGES,
    T_PENDING,
    T_PRIORITY,
    T_PROFILE,
    T_REASON,
    T_REMOTE,
    T_REPLY,
    T_REQUEST_ID,
    T_RESERVED_GROUP,
    T_RESERVED_VALUE,
    T_RESET_EVENTS_DESCRIPTOR,
    T_RESPONSE_ACK,
    T_SERVICE_CHANGE_ADDRESS,
    T_SERVICE_CHANGE_INCOMPLETE,
    T_SERVICE_STATES,
    T_SERVICES,
    T_SIGNAL_LIST,
    T_SIGNAL_TYPE,
    T_SIGNALS,
    T_STATISTICS,
    T_STREAM,
    T_TERMINATION_STATE,
    T_TOPOLOGY,
    T_TRANSACTION,
    T_VERSION,
)
from imsalg.h248._lexical import (
    TIMESTAMP_RE,
    is_domain_name,
    is_ip_address,
    is_safe_run,
)
from imsalg.h248.tokens import (
    EVENT_PARAMETER_TOKENS,
    KEYWORDS,
    OBSERVED_EVENT_PARAMETER_TOKENS,
    SIGNAL_PARAMETER_TOKENS,
    Token,
    spellings,
)

__all__ = ["encode_message"]

_UINT32: Final = 0xFFFFFFFF
_UINT16: Final = 0xFFFF
# quotedString excludes DQUOTE and control characters other than HTAB, CR and LF.
_UNQUOTABLE: Final = re.compile(r'["\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
# Names the scanner takes for the start of a Local/Remote descriptor when "{" follows.
_OCTET_KEYWORDS: Final = frozenset({"local", "remote", "l", "r"})
#: CtxToken: after "AuditValue =" and before "{" it starts contextTerminationAudit.
_CONTEXT_KEYWORDS: Final = frozenset({"context", "c"})
_OCTET_INITIALS: Final = frozenset("lLrR")
# The first and last characters of SDP that _sdp may refuse.
_SDP_FIRST: Final = frozenset(" \t\r\n")
_SDP_LAST: Final = frozenset(" \t\\")
_DIGIT_MAP_VALUE: Final = re.compile(r"[A-Za-z0-9+\-&!_/'?@^`~*$\\().%|\[\]:,]+\Z")
_HEX: Final = re.compile(r"[0-9A-Fa-f]+\Z")


_MID_RESERVED: Final = frozenset(
    {T_TRANSACTION, T_REPLY, T_PENDING, T_RESPONSE_ACK, T_ERROR, T_MTP}
)


# Parameter names that the decoder would read as keywords in these places.
_EVENT_RESERVED: Final = spellings(EVENT_PARAMETER_TOKENS)
_SIGNAL_RESERVED: Final = spellings(SIGNAL_PARAMETER_TOKENS)
_OBSERVED_RESERVED: Final = spellings(OBSERVED_EVENT_PARAMETER_TOKENS)

_STREAM_MODES: Final = vocabulary.spelling(vocabulary.STREAM_MODES)
_SERVICE_STATES: Final = vocabulary.spelling(vocabulary.SERVICE_STATES)
_BUFFER_CONTROLS: Final = vocabulary.spelling(vocabulary.BUFFER_CONTROLS)
_SIGNAL_TYPES: Final = vocabulary.spelling(vocabulary.SIGNAL_TYPES)
_REASONS: Final = vocabulary.spelling(vocabulary.NOTIFICATION_REASONS)
_DIRECTIONS: Final = vocabulary.spelling(vocabulary.SIGNAL_DIRECTIONS)
_NOTIFY_BEHAVIOURS: Final = vocabulary.spelling(vocabulary.NOTIFY_BEHAVIOURS)
_TOPOLOGY: Final = vocabulary.spelling(vocabulary.TOPOLOGY_DIRECTIONS)
_AUDIT_ITEMS: Final = vocabulary.spelling(vocabulary.AUDIT_ITEMS)
_BARE_REPLY_ITEMS: Final = frozenset(vocabulary.BARE_AUDIT_ITEMS.values())
_METHODS: Final = vocabulary.spelling(vocabulary.SERVICE_CHANGE_METHODS)
# Enum members bound once (each Enum.X access runs Python code on 3.11, see _bound).
_SINGLE: Final = m.ValueForm.SINGLE
_EQUAL: Final = m.Relation.EQUAL


def encode_message(message: m.Message, *, compact: bool) -> str:
    """Write *message*; raises :class:`H248Error` when it has no Annex B spelling."""
    return (_COMPACT if compact else _PRETTY).message(message)


def _uint(value: int, limit: int, what: str) -> str:
    if type(value) is not int or not 0 <= value <= limit:
        raise H248Error(f"{what} {value!r} is not an integer from 0 to {limit}")
    return str(value)


def _name(name: str, what: str) -> str:
    if type(name) is not str or not is_safe_run(name):
        raise H248Error(f"{what} {name!r} is not a run of SafeChars (H.248.1 Annex B.2)")
    return name


def _pkgd_name(name: str, what: str) -> str:
    # pkgdName = (PackageName / "*") SLASH (ItemID / "*")
    if "/" not in _name(name, what):
        raise H248Error(f"{what} {name!r} is not 'package/item'")
    return name


def _parameter_name(name: str, reserved: frozenset[str], what: str) -> str:
    if _name(name, what).lower() in reserved:
        raise H248Error(f"{what} {name!r} would be read as a keyword")
    return name


def _value(value: str) -> str:
    # VALUE = quotedString / 1*(SafeChar)
    if type(value) is str and is_safe_run(value):
        return value
    return _quoted(value, "value")


def _quoted(text: str, what: str) -> str:
    if not isinstance(text, str) or _UNQUOTABLE.search(text) is not None:
        raise H248Error(f"{what} {text!r} cannot be a quotedString (no '\"' or control characters)")
    return f'"{text}"'


def _timestamp(stamp: str) -> str:
    # TimeStamp = Date "T" Time ; 8 digits each
    if not isinstance(stamp, str) or TIMESTAMP_RE.match(stamp) is None:
        raise H248Error(f"time stamp {stamp!r} is not yyyymmddThhmmsshh")
    return stamp


def _sdp(sdp: str, what: str) -> str:
    """The octet string of a Local/Remote descriptor; refuses SDP that would not read back."""
    if "\x00" in sdp:
        raise H248Error(f"{what} SDP contains a NUL octet (not allowed in an octetString)")
    if sdp[:1] in (" ", "\t", "\r", "\n"):
        raise H248Error(f"{what} SDP starts with white space (it would be dropped)")
    if sdp.endswith("\\"):
        raise H248Error(f"{what} SDP ends with '\\' (it would escape the closing brace)")
    stripped = sdp.rstrip(" \t")
    if stripped != sdp and stripped[-1:] in ("\r", "\n"):
        raise H248Error(f"{what} SDP ends with a line of blanks (it would be dropped)")
    # escape_octets(sdp), without the call
    return sdp.replace("}", "\\}") if "}" in sdp else sdp


def _mid_text(mid: m.MId | int) -> str:
    if isinstance(mid, m.DomainAddress):
        if type(mid.address) is not str or not is_ip_address(mid.address):
            raise H248Error(f"mId address {mid.address!r} is not an IP literal")
        text = f"[{mid.address}]"
        port = mid.port
    elif isinstance(mid, m.DomainName):
        if not is_domain_name(mid.name):
            raise H248Error(f"mId domain name {mid.name!r} is not a host name")
        text = f"<{mid.name}>"
        port = mid.port
    elif isinstance(mid, m.DeviceName):
        name = _name(mid.name, "mId device name")
        if KEYWORDS.get(name.lower()) in _MID_RESERVED:
            raise H248Error(f"mId device name {name!r} would be read as a keyword")
        return name
    elif isinstance(mid, m.MTPAddress):
        if not 4 <= len(mid.address) <= 8 or _HEX.match(mid.address) is None:
            raise H248Error(f"MTP address {mid.address!r} is not 4 to 8 hex digits")
        return f"MTP{{{mid.address}}}"
    elif isinstance(mid, int) and not isinstance(mid, bool):
        return _uint(mid, _UINT16, "port")
    else:
        raise H248Error(f"{mid!r} is not an mId")
    if port is None:
        return text
    if type(port) is not int or not 0 <= port <= _UINT16:
        _uint(port, _UINT16, "port")  # raises
    return f"{text}:{port}"


class _Writer:
    """One output style: which spelling of the tokens, and how much white space.

    The layout strings of the style are set here once, so that no method asks which style
    it writes: ``block_open`` is ``" {\\n"`` pretty and ``"{"`` compact, and so on (the
    compact indent is always empty).
    """

    def __init__(self, *, compact: bool) -> None:
        self.compact = compact
        self.tok: dict[Token, str] = {t: (t.short if compact else t.long) for t in Token}
        self.eq = "=" if compact else " = "
        self.sep = "," if compact else ", "
        self.step = "" if compact else "  "
        # head{a,b} / head {\n<items, one a line>\n<indent>}
        self.block_open = "{" if compact else " {\n"
        self.block_sep = "," if compact else ",\n"
        self.block_end = "" if compact else "\n"
        # head{a,b} / head { a, b }
        self.inline_open = "{" if compact else " { "
        self.inline_close = "}" if compact else " }"
        self.brace_open = "{" if compact else "{ "
        self.empty = "{}" if compact else " {}"
        self.octets_open = "{\n" if compact else " {\n"
        self.newline = "" if compact else "\n"
        # Token spellings the hottest paths write, each with its "=".
        self.transaction_eq = self.tok[T_TRANSACTION] + self.eq
        self.reply_eq = self.tok[T_REPLY] + self.eq
        self.context_eq = self.tok[T_CONTEXT] + self.eq
        self.stream_eq = self.tok[T_STREAM] + self.eq
        self.events_eq = self.tok[T_EVENTS] + self.eq

    # -- layout helpers -------------------------------------------------------------------

    def on_off(self, on: bool) -> str:
        """``ON`` or ``OFF``."""
        return self.tok[T_ON] if on else self.tok[T_OFF]

    def inline(self, head: str, items: Sequence[str]) -> str:
        """``head { a, b }`` on one line (``head{a,b}`` compact)."""
        if not items:
            return head + self.empty
        return f"{head}{self.inline_open}{self.sep.join(items)}{self.inline_close}"

    def braces(self, items: Sequence[str]) -> str:
        """``{ a, b }`` (``{a,b}`` compact), for a brace list right after ``=``."""
        return f"{self.brace_open}{self.sep.join(items)}{self.inline_close}"

    def block(self, head: str, items: Sequence[str], indent: str) -> str:
        """``head {`` one item per line ``}`` (the items already indented one step).

        The hottest callers write the same f-string themselves when *items* cannot be empty.
        """
        if not items:
            return head + self.empty
        return f"{head}{self.block_open}{self.block_sep.join(items)}{self.block_end}{indent}}}"

    # -- message --------------------------------------------------------------------------

    def message(self, message: m.Message) -> str:
        version = message.version
        if type(version) is not int or not 0 <= version <= 99:
            _uint(version, 99, "version")  # raises
        head = ""
        if message.authentication is not None:
            head = self.authentication(message.authentication) + (" " if self.compact else "\n")
        head = f"{head}{self.tok[T_MEGACO]}/{version} {_mid_text(message.mid)}\n"
        if message.error is not None:
            if message.transactions:
                raise H248Error("a message carries an error descriptor or transactions, not both")
            return head + self.error(message.error) + self.newline
        transactions = message.transactions
        if not transactions:
            raise H248Error("a message needs an error descriptor or at least one transaction")
        if len(transactions) == 1:
            return head + self.transaction(transactions[0]) + self.newline
        return (
            head + self.newline.join([self.transaction(tr) for tr in transactions]) + self.newline
        )

    def authentication(self, auth: m.AuthenticationHeader) -> str:
        _uint(auth.spi, _UINT32, "security parameter index")
        _uint(auth.sequence, _UINT32, "sequence number")
        if not 12 <= len(auth.data) <= 32:
            raise H248Error("authentication data must be 12 to 32 octets")
        return (
            f"{self.tok[T_AUTHENTICATION]}{self.eq}0x{auth.spi:08X}:0x{auth.sequence:08X}"
            f":0x{auth.data.hex().upper()}"
        )

    def transaction(self, transaction: m.Transaction) -> str:
        t = self.tok
        inner = self.step
        if isinstance(transaction, m.TransactionRequest):
            if not transaction.actions:
                raise H248Error("a transaction request needs at least one action")
            tid = transaction.transaction_id
            if type(tid) is not int or not 0 <= tid <= _UINT32:
                _uint(tid, _UINT32, "transaction ID")  # raises
            items = []
            for action in transaction.actions:
                items.append(self.action_request(action, inner))
            return (
                f"{self.transaction_eq}{tid}{self.block_open}{self.block_sep.join(items)}"
                f"{self.block_end}}}"
            )
        if isinstance(transaction, m.TransactionReply):
            tid = transaction.transaction_id
            if type(tid) is not int or not 0 <= tid <= _UINT32:
                _uint(tid, _UINT32, "transaction ID")  # raises
            items = []
            if transaction.imm_ack_required:
                items.append(inner + t[T_IMM_ACK_REQUIRED])
            if transaction.error is not None:
                if transaction.actions:
                    raise H248Error("a transaction reply carries an error or actions, not both")
                items.append(inner + self.error(transaction.error))
            elif not transaction.actions:
                raise H248Error("a transaction reply needs an error or at least one action")
            else:
                for reply in transaction.actions:
                    items.append(self.action_reply(reply, inner))
            return (
                f"{self.reply_eq}{tid}{self.block_open}{self.block_sep.join(items)}"
                f"{self.block_end}}}"
            )
        if isinstance(transaction, m.TransactionPending):
            pending = _uint(transaction.transaction_id, _UINT32, "transaction ID")
            head = f"{t[T_PENDING]}{self.eq}{pending}"
            return self.inline(head, ())
        if isinstance(transaction, m.TransactionResponseAck):
            if not transaction.acks:
                raise H248Error("a TransactionResponseAck needs at least one transaction ID")
            acks = []
            for ack in transaction.acks:
                first = _uint(ack.first, _UINT32, "transaction ID")
                acks.append(
                    first
                    if ack.last is None
                    else f"{first}-{_uint(ack.last, _UINT32, 'transaction ID')}"
                )
            return self.inline(t[T_RESPONSE_ACK], acks)
        raise H248Error(f"{transaction!r} is not a transaction")

    # -- actions --------------------------------------------------------------------------

    def context_id(self, context_id: m.ContextID) -> str:
        if type(context_id) is int and 0 <= context_id <= _UINT32:
            return str(context_id)
        if isinstance(context_id, str):
            if context_id not in ("$", "*", "-"):
                raise H248Error(f"context ID {context_id!r} is not a number, '$', '*' or '-'")
            return context_id
        return _uint(context_id, _UINT32, "context ID")

    def context_properties(self, props: m.ContextProperties) -> list[str]:
        t = self.tok
        items: list[str] = []
        if props.priority is not None:
            items.append(f"{t[T_PRIORITY]}{self.eq}{_uint(props.priority, _UINT16, 'priority')}")
        if props.emergency is not None:
            items.append(t[T_EMERGENCY] if props.emergency else t[T_EMERGENCY_OFF])
        if props.ieps is not None:
            items.append(f"{t[T_IEPS_CALL]}{self.eq}{t[T_ON] if props.ieps else t[T_OFF]}")
        if props.topology:
            items.append(self.inline(t[T_TOPOLOGY], self.topology(props.topology)))
        if props.attributes:
            items.append(
                self.inline(t[T_CONTEXT_ATTR], [self.property(p) for p in props.attributes])
            )
        if not items:
            raise H248Error("context properties without any property (use None)")
        return items

    def topology(self, triples: Iterable[m.TopologyTriple]) -> list[str]:
        items: list[str] = []
        for triple in triples:
            items.append(_name(triple.from_termination, "termination ID"))
            items.append(_name(triple.to_termination, "termination ID"))
            items.append(self.tok[_TOPOLOGY[triple.direction]])
            if triple.stream is not None:
                items.append(
                    f"{self.tok[T_STREAM]}{self.eq}{_uint(triple.stream, _UINT16, 'stream ID')}"
                )
        return items

    def action_request(self, action: m.ActionRequest, indent: str) -> str:
        inner = indent + self.step
        items: list[str] = []
        if action.context is not None:
            items.extend([inner + item for item in self.context_properties(action.context)])
        if action.context_audit is not None:
            items.append(inner + self.context_audit(action.context_audit))
        for command in action.commands:
            items.append(self.command(command, inner))
        if not items:
            raise H248Error("an action request needs context properties or commands")
        context_id = action.context_id
        if type(context_id) is not int or not 0 <= context_id <= _UINT32:
            context_id = self.context_id(context_id)
        return (
            f"{indent}{self.context_eq}{context_id}{self.block_open}"
            f"{self.block_sep.join(items)}{self.block_end}{indent}}}"
        )

    def context_audit(self, audit: m.ContextAudit) -> str:
        t = self.tok
        items = [
            t[token]
            for token, on in (
                (T_TOPOLOGY, audit.topology),
                (T_EMERGENCY, audit.emergency),
                (T_PRIORITY, audit.priority),
                (T_IEPS_CALL, audit.ieps),
            )
            if on
        ]
        items.extend([_pkgd_name(name, "context audit property") for name in audit.properties])
        if not items:
            raise H248Error("an empty ContextAudit has no text form")
        return self.inline(t[T_CONTEXT_AUDIT], items)

    def action_reply(self, action: m.ActionReply, indent: str) -> str:
        inner = indent + self.step
        items: list[str] = []
        if action.context is not None:
            items.extend([inner + item for item in self.context_properties(action.context)])
        for reply in action.replies:
            items.append(self.command_reply(reply, inner))
        if action.error is not None:
            items.append(inner + self.error(action.error))
        context_id = action.context_id
        if type(context_id) is not int or not 0 <= context_id <= _UINT32:
            context_id = self.context_id(context_id)
        head = f"{indent}{self.context_eq}{context_id}"
        if not items:
            return head
        return f"{head}{self.block_open}{self.block_sep.join(items)}{self.block_end}{indent}}}"

    # -- commands -------------------------------------------------------------------------

    def terminations(self, ids: tuple[str, ...], body: bool) -> str:
        if not ids:
            raise H248Error("a command needs at least one termination ID")
        if len(ids) == 1:
            tid = ids[0]
            if type(tid) is not str or not is_safe_run(tid):
                _name(tid, "termination ID")  # raises
            if body and tid[0] in _OCTET_INITIALS and tid.lower() in _OCTET_KEYWORDS:
                raise H248Error(
                    f"termination ID {tid!r} followed by '{{' would be read as a "
                    f"{'Local' if tid[0] in 'lL' else 'Remote'} descriptor"
                )
            return tid
        for tid in ids:
            _name(tid, "termination ID")
        return "[" + self.sep.join(ids) + "]"

    def command(self, command: m.Command, indent: str) -> str:
        inner = indent + self.step
        word = self.tok[command.token]
        if command.wildcard_reply:
            word = "W-" + word
        if command.optional:
            word = "O-" + word
        items: list[str] = []
        if isinstance(command, m.AmmRequest):
            # ammParameters, in the order of the model's fields
            if command.media is not None:
                items.append(self.media(command.media, inner))
            if command.events is not None:
                items.append(inner + self.events(command.events))
            if command.signals is not None:
                items.append(inner + self.signals(command.signals))
            if command.event_buffer is not None:
                items.append(inner + self.event_buffer(command.event_buffer))
            if command.digit_map is not None:
                items.append(inner + self.digit_map(command.digit_map, required=True))
            if command.audit is not None:
                items.append(inner + self.audit(command.audit))
            if command.statistics is not None:
                items.append(inner + self.statistics(command.statistics))
            if command.mux is not None:
                items.append(inner + self.mux(command.mux))
        elif isinstance(command, (m.Subtract, m.AuditRequest)):
            if command.audit is not None:
                items.append(inner + self.audit(command.audit))
        elif isinstance(command, m.Notify):
            items.append(inner + self.observed_events(command.observed_events))
            if command.error is not None:
                items.append(inner + self.error(command.error))
        elif isinstance(command, m.ServiceChange):
            items.append(inner + self.service_change_parms(command.parms))
        else:
            raise H248Error(f"{command!r} is not a command")
        ids = command.terminations
        tid = ids[0] if len(ids) == 1 else None
        if type(tid) is not str or not is_safe_run(tid) or (items and tid[0] in _OCTET_INITIALS):
            # All but one plain ID: the checks and errors of terminations().
            tid = self.terminations(ids, bool(items))
        head = f"{indent}{word}{self.eq}{tid}"
        if not items:
            return head
        return f"{head}{self.block_open}{self.block_sep.join(items)}{self.block_end}{indent}}}"

    def command_reply(self, reply: m.CommandReply, indent: str) -> str:
        inner = indent + self.step
        items: list[str] = []
        if isinstance(reply, (m.AmmsReply, m.AuditReply)):
            if reply.audit is not None:
                items = self.termination_audit(reply.audit, inner)
        elif isinstance(reply, m.NotifyReply):
            if reply.error is not None:
                items.append(inner + self.error(reply.error))
        elif isinstance(reply, m.ServiceChangeReply):
            if reply.error is not None and reply.result is not None:
                raise H248Error("a ServiceChange reply carries an error or a result, not both")
            if reply.error is not None:
                items.append(inner + self.error(reply.error))
            elif reply.result is not None:
                items.append(inner + self.service_change_result(reply.result))
        else:
            raise H248Error(f"{reply!r} is not a command reply")
        ids = self.terminations(reply.terminations, bool(items))
        if items and isinstance(reply, m.AuditReply) and ids.lower() in _CONTEXT_KEYWORDS:
            raise H248Error(
                f"termination ID {ids!r} followed by '{{' in an audit reply would be read "
                "as its context form (contextTerminationAudit)"
            )
        head = f"{indent}{self.tok[reply.token]}{self.eq}{ids}"
        if not items:
            return head
        return f"{head}{self.block_open}{self.block_sep.join(items)}{self.block_end}{indent}}}"

    def termination_audit(self, audit: m.TerminationAudit, inner: str) -> list[str]:
        t = self.tok
        items: list[str] = []
        if audit.media is not None:
            items.append(self.media(audit.media, inner))
        if audit.events is not None:
            items.append(inner + self.events(audit.events))
        if audit.signals is not None:
            items.append(inner + self.signals(audit.signals))
        if audit.digit_map is not None:
            items.append(inner + self.digit_map(audit.digit_map, required=True))
        if audit.observed_events is not None:
            items.append(inner + self.observed_events(audit.observed_events))
        if audit.event_buffer is not None:
            items.append(inner + self.event_buffer(audit.event_buffer))
        if audit.statistics is not None:
            items.append(inner + self.statistics(audit.statistics))
        if audit.packages is not None:
            items.append(inner + self.packages(audit.packages))
        if audit.mux is not None:
            items.append(inner + self.mux(audit.mux))
        if audit.error is not None:
            items.append(inner + self.error(audit.error))
        for item in audit.items:
            if item not in _BARE_REPLY_ITEMS:
                raise H248Error(f"{item.value!r} cannot stand bare in a command reply")
            items.append(inner + t[_AUDIT_ITEMS[item]])
        if len(set(audit.items)) != len(audit.items):
            raise H248Error("an audit item appears twice in a command reply")
        if not items:
            raise H248Error("an empty termination audit has no text form (use None)")
        return items

    # -- descriptors ----------------------------------------------------------------------

    def error(self, error: m.ErrorDescriptor) -> str:
        head = f"{self.tok[T_ERROR]}{self.eq}{_uint(int(error.code), 9999, 'error code')}"
        if error.text is None:
            return self.inline(head, ())
        return self.inline(head, [_quoted(error.text, "error text")])

    def property(self, prop: m.PropertyParm, name: str | None = None) -> str:
        """propertyParm = pkgdName parmValue (also package parameters, with *name* checked)."""
        if name is None:
            name = prop.name
            if type(name) is not str or not is_safe_run(name) or "/" not in name:
                _pkgd_name(name, "property")  # raises
        values = prop.values
        form = prop.form
        relation = prop.relation
        if form is _SINGLE:
            if len(values) != 1:
                raise H248Error(f"property {name!r} needs exactly one value")
            op = self.eq if relation is _EQUAL else relation.value
            value = values[0]
            if type(value) is not str or not is_safe_run(value):
                value = _quoted(value, "value")
            return f"{name}{op}{value}"
        if relation is not _EQUAL:
            raise H248Error(f"property {name!r}: a {form.value} value needs the relation '='")
        if form is m.ValueForm.RANGE:
            if len(values) != 2:
                raise H248Error(f"property {name!r}: a range has two values")
            return f"{name}{self.eq}[{_value(values[0])}:{_value(values[1])}]"
        if not values:
            raise H248Error(f"property {name!r}: a {form.value} needs at least one value")
        inner = self.sep.join([_value(v) for v in values])
        if form is m.ValueForm.LIST:
            return f"{name}{self.eq}[{inner}]"
        return f"{name}{self.eq}{{{inner}}}"

    def parameter(self, prop: m.PropertyParm, reserved: frozenset[str], what: str) -> str:
        name = prop.name
        if type(name) is not str or not is_safe_run(name) or name.lower() in reserved:
            _parameter_name(name, reserved, what)  # raises
        return self.property(prop, name)

    def media(self, media: m.MediaDescriptor, indent: str) -> str:
        inner = indent + self.step
        items: list[str] = []
        if media.termination_state is not None:
            items.append(inner + self.termination_state(media.termination_state))
        streams = media.streams
        if len(streams) > 1 and any(s.stream_id is None for s in streams):
            raise H248Error("a Media descriptor has one bare stream or numbered streams, not both")
        for stream in streams:
            if stream.stream_id is None:
                items.extend(self.stream_parms(stream, inner))
            else:
                stream_id = stream.stream_id
                if type(stream_id) is not int or not 0 <= stream_id <= _UINT16:
                    _uint(stream_id, _UINT16, "stream ID")  # raises
                parms = self.stream_parms(stream, inner + self.step)
                items.append(
                    f"{inner}{self.stream_eq}{stream_id}{self.block_open}"
                    f"{self.block_sep.join(parms)}{self.block_end}{inner}}}"
                )
        if not items:
            raise H248Error("an empty Media descriptor has no text form")
        return (
            f"{indent}{self.tok[T_MEDIA]}{self.block_open}{self.block_sep.join(items)}"
            f"{self.block_end}{indent}}}"
        )

    def stream_parms(self, stream: m.StreamDescriptor, inner: str) -> list[str]:
        t = self.tok
        items: list[str] = []
        if stream.local_control is not None:
            items.append(inner + self.local_control(stream.local_control))
        if stream.local is not None:
            items.append(self.octets(inner, t[T_LOCAL], stream.local))
        if stream.remote is not None:
            items.append(self.octets(inner, t[T_REMOTE], stream.remote))
        if stream.statistics is not None:
            items.append(inner + self.statistics(stream.statistics))
        if not items:
            raise H248Error("a stream descriptor needs at least one stream parameter")
        return items

    def octets(self, indent: str, head: str, sdp: str) -> str:
        if not sdp:
            return indent + head + self.empty
        # The SDP goes on its own lines and the closing brace right after its last line
        # break: an indented brace would leave a line of blanks inside the octet string,
        # which strict readers (Wireshark) report as an invalid SDP line.
        if "}" in sdp or "\x00" in sdp or sdp[0] in _SDP_FIRST or sdp[-1] in _SDP_LAST:
            # Only such SDP needs escaping, or may fail a check of _sdp.
            sdp = _sdp(sdp, head)
        return f"{indent}{head}{self.octets_open}{sdp}}}"

    def termination_state(self, state: m.TerminationState) -> str:
        t = self.tok
        items = []
        for prop in state.properties:
            items.append(self.property(prop))
        if state.service_state is not None:
            items.append(f"{t[T_SERVICE_STATES]}{self.eq}{t[_SERVICE_STATES[state.service_state]]}")
        if state.buffer is not None:
            items.append(f"{t[T_BUFFER]}{self.eq}{t[_BUFFER_CONTROLS[state.buffer]]}")
        if not items:
            raise H248Error("an empty TerminationState has no text form")
        return (
            f"{t[T_TERMINATION_STATE]}{self.inline_open}{self.sep.join(items)}{self.inline_close}"
        )

    def local_control(self, control: m.LocalControl) -> str:
        t = self.tok
        items: list[str] = []
        if control.mode is not None:
            items.append(f"{t[T_MODE]}{self.eq}{t[_STREAM_MODES[control.mode]]}")
        if control.reserve_value is not None:
            items.append(f"{t[T_RESERVED_VALUE]}{self.eq}{self.on_off(control.reserve_value)}")
        if control.reserve_group is not None:
            items.append(f"{t[T_RESERVED_GROUP]}{self.eq}{self.on_off(control.reserve_group)}")
        for prop in control.properties:
            items.append(self.property(prop))
        if not items:
            raise H248Error("an empty LocalControl has no text form")
        return f"{t[T_LOCAL_CONTROL]}{self.inline_open}{self.sep.join(items)}{self.inline_close}"

    def statistics(self, statistics: tuple[m.StatisticsParameter, ...]) -> str:
        t = self.tok
        if not statistics:
            return t[T_STATISTICS]
        items: list[str] = []
        for stat in statistics:
            name = _pkgd_name(stat.name, "statistic")
            values = stat.values
            if not values:
                items.append(name)
            elif len(values) == 1:
                items.append(f"{name}{self.eq}{_value(values[0])}")
            else:
                items.append(f"{name}{self.eq}[{self.sep.join([_value(v) for v in values])}]")
        return self.inline(t[T_STATISTICS], items)

    def events(self, events: m.EventsDescriptor, *, second: bool = False) -> str:
        t = self.tok
        if events.request_id is None:
            if events.events:
                raise H248Error("an Events descriptor with events needs a request ID")
            return t[T_EVENTS]
        if not events.events:
            raise H248Error("an Events descriptor with a request ID needs at least one event")
        request_id = events.request_id
        if type(request_id) is not int or not 0 <= request_id <= _UINT32:
            request_id = self.request_id(request_id)
        items = []
        for event in events.events:
            items.append(self.requested_event(event, second))
        return (
            f"{self.events_eq}{request_id}{self.inline_open}{self.sep.join(items)}"
            f"{self.inline_close}"
        )

    def request_id(self, request_id: m.RequestID) -> str:
        if type(request_id) is int and 0 <= request_id <= _UINT32:
            return str(request_id)
        if isinstance(request_id, str):
            if request_id != "*":
                raise H248Error(f"request ID {request_id!r} is not a number or '*'")
            return request_id
        return _uint(request_id, _UINT32, "request ID")

    def requested_event(self, event: m.RequestedEvent, second: bool) -> str:
        t = self.tok
        name = event.name
        if type(name) is not str or not is_safe_run(name) or "/" not in name:
            _pkgd_name(name, "event")  # raises
        items: list[str] = []
        if event.keep_active:
            items.append(t[T_KEEP_ACTIVE])
        if event.stream is not None:
            items.append(f"{t[T_STREAM]}{self.eq}{_uint(event.stream, _UINT16, 'stream ID')}")
        if event.embed is not None:
            items.append(self.embed(event.embed, second=second))
        if event.digit_map is not None:
            items.append(self.digit_map(event.digit_map, required=True))
        if event.notify_behaviour is not None:
            items.append(t[_NOTIFY_BEHAVIOURS[event.notify_behaviour]])
        if event.reset_events:
            items.append(t[T_RESET_EVENTS_DESCRIPTOR])
        for parameter in event.parameters:
            items.append(self.parameter(parameter, _EVENT_RESERVED, "event parameter"))
        if not items:
            return name
        return f"{name}{self.inline_open}{self.sep.join(items)}{self.inline_close}"

    def embed(self, embed: m.EmbedDescriptor, *, second: bool) -> str:
        items: list[str] = []
        if embed.signals is not None:
            items.append(self.signals(embed.signals))
        if embed.events is not None:
            if second:
                raise H248Error("an embedded event cannot embed events again")
            items.append(self.events(embed.events, second=True))
        if not items:
            raise H248Error("an empty Embed descriptor has no text form")
        return self.inline(self.tok[T_EMBED], items)

    def digit_map(self, digit_map: m.DigitMapDescriptor, *, required: bool) -> str:
        t = self.tok
        head = t[T_DIGIT_MAP]
        if digit_map.name is not None:
            name = _name(digit_map.name, "digit map name")
            if digit_map.value is not None and name.lower() in _OCTET_KEYWORDS:
                raise H248Error(f"digit map name {name!r} followed by '{{' would be read as SDP")
            head = f"{head}{self.eq}{name}"
        if digit_map.value is None:
            if required and digit_map.name is None:
                raise H248Error("a DigitMap descriptor needs a name or a value")
            return head
        if _DIGIT_MAP_VALUE.match(digit_map.value) is None:
            raise H248Error(f"digit map {digit_map.value!r} has characters a digit map cannot hold")
        return self.inline(head, [digit_map.value])

    def signals(self, signals: m.SignalsDescriptor) -> str:
        t = self.tok
        if not signals.signals:
            return t[T_SIGNALS]
        items: list[str] = []
        for signal in signals.signals:
            if isinstance(signal, m.SignalList):
                if not signal.signals:
                    raise H248Error("a SignalList needs at least one signal")
                list_id = _uint(signal.list_id, _UINT16, "signal list ID")
                head = f"{t[T_SIGNAL_LIST]}{self.eq}{list_id}"
                items.append(self.inline(head, [self.signal_request(s) for s in signal.signals]))
            else:
                items.append(self.signal_request(signal))
        return self.inline(t[T_SIGNALS], items)

    def signal_request(self, signal: m.SignalRequest) -> str:
        t = self.tok
        eq = self.eq
        name = _pkgd_name(signal.name, "signal")
        items: list[str] = []
        if signal.stream is not None:
            items.append(f"{t[T_STREAM]}{eq}{_uint(signal.stream, _UINT16, 'stream ID')}")
        if signal.signal_type is not None:
            items.append(f"{t[T_SIGNAL_TYPE]}{eq}{t[_SIGNAL_TYPES[signal.signal_type]]}")
        if signal.duration is not None:
            items.append(f"{t[T_DURATION]}{eq}{_uint(signal.duration, _UINT16, 'duration')}")
        if signal.notify_completion:
            reasons = [t[_REASONS[r]] for r in signal.notify_completion]
            items.append(f"{t[T_NOTIFY_COMPLETION]}{eq}{self.braces(reasons)}")
        if signal.keep_active:
            items.append(t[T_KEEP_ACTIVE])
        if signal.direction is not None:
            items.append(f"{t[T_DIRECTION]}{eq}{t[_DIRECTIONS[signal.direction]]}")
        if signal.request_id is not None:
            items.append(f"{t[T_REQUEST_ID]}{eq}{self.request_id(signal.request_id)}")
        if signal.intersignal_delay is not None:
            items.append(
                f"{t[T_INTERSIGNAL]}{eq}{_uint(signal.intersignal_delay, _UINT16, 'delay')}"
            )
        items.extend(
            [self.parameter(p, _SIGNAL_RESERVED, "signal parameter") for p in signal.parameters]
        )
        if not items:
            return name
        return self.inline(name, items)

    def observed_events(self, observed: m.ObservedEventsDescriptor) -> str:
        t = self.tok
        if not observed.events:
            raise H248Error("an ObservedEvents descriptor needs at least one event")
        head = f"{t[T_OBSERVED_EVENTS]}{self.eq}{self.request_id(observed.request_id)}"
        items: list[str] = []
        for event in observed.events:
            text = self.event_with_parameters(event.name, event.stream, event.parameters)
            if event.timestamp is not None:
                text = f"{_timestamp(event.timestamp)}:{text}"
            items.append(text)
        return self.inline(head, items)

    def event_with_parameters(
        self, name: str, stream: int | None, parameters: tuple[m.PropertyParm, ...]
    ) -> str:
        name = _pkgd_name(name, "event")
        items: list[str] = []
        if stream is not None:
            items.append(f"{self.tok[T_STREAM]}{self.eq}{_uint(stream, _UINT16, 'stream ID')}")
        items.extend([self.parameter(p, _OBSERVED_RESERVED, "event parameter") for p in parameters])
        if not items:
            return name
        return self.inline(name, items)

    def event_buffer(self, specs: tuple[m.EventSpec, ...]) -> str:
        t = self.tok
        if not specs:
            return t[T_EVENT_BUFFER]
        return self.inline(
            t[T_EVENT_BUFFER],
            [self.event_with_parameters(s.name, s.stream, s.parameters) for s in specs],
        )

    def audit(self, audit: m.AuditDescriptor) -> str:
        if len(set(audit.items)) != len(audit.items):
            raise H248Error("an audit item appears twice in an Audit descriptor")
        return self.inline(self.tok[T_AUDIT], [self.tok[_AUDIT_ITEMS[i]] for i in audit.items])

    def packages(self, packages: tuple[m.PackageItem, ...]) -> str:
        if not packages:
            raise H248Error("a Packages descriptor needs at least one package")
        items: list[str] = []
        for package in packages:
            name = _name(package.name, "package name")
            items.append(f"{name}-{_uint(package.version, _UINT16, 'package version')}")
        return self.inline(self.tok[T_PACKAGES], items)

    def mux(self, mux: m.MuxDescriptor) -> str:
        mux_type = _name(mux.mux_type, "mux type")
        if mux_type.lower() in _OCTET_KEYWORDS:
            raise H248Error(f"mux type {mux_type!r} followed by '{{' would be read as SDP")
        if not mux.terminations:
            raise H248Error("a Mux descriptor needs at least one termination ID")
        ids = [_name(tid, "termination ID") for tid in mux.terminations]
        return self.inline(f"{self.tok[T_MUX]}{self.eq}{mux_type}", ids)

    # -- ServiceChange --------------------------------------------------------------------

    def service_change_parms(self, parms: m.ServiceChangeParms) -> str:
        t = self.tok
        eq = self.eq
        if isinstance(parms.method, m.ServiceChangeMethod):
            method = t[_METHODS[parms.method]]
        elif parms.method[:2].lower() in ("x-", "x+"):
            method = _name(parms.method, "ServiceChange method")
        else:
            raise H248Error(f"ServiceChange method {parms.method!r} is not X-/X+ extension")
        items = [f"{t[T_METHOD]}{eq}{method}"]
        if parms.reason is not None:
            items.append(f"{t[T_REASON]}{eq}{_value(parms.reason)}")
        if parms.delay is not None:
            items.append(f"{t[T_DELAY]}{eq}{_uint(parms.delay, _UINT32, 'delay')}")
        items.extend(
            self.service_change_common(
                parms.address, parms.mgc_id, parms.profile, parms.version, parms.timestamp
            )
        )
        if parms.incomplete:
            items.append(t[T_SERVICE_CHANGE_INCOMPLETE])
        for extension in parms.extensions:
            if extension.name[:2].lower() not in ("x-", "x+"):
                raise H248Error(f"ServiceChange extension {extension.name!r} is not X-/X+")
            items.append(self.property(extension, _name(extension.name, "extension")))
        if len(set(parms.audit)) != len(parms.audit):
            raise H248Error("an audit item appears twice in a ServiceChange descriptor")
        items.extend(t[_AUDIT_ITEMS[i]] for i in parms.audit)
        return self.inline(t[T_SERVICES], items)

    def service_change_result(self, result: m.ServiceChangeResult) -> str:
        items = self.service_change_common(
            result.address, result.mgc_id, result.profile, result.version, result.timestamp
        )
        if not items:
            raise H248Error("an empty ServiceChange result has no text form (use None)")
        return self.inline(self.tok[T_SERVICES], items)

    def service_change_common(
        self,
        address: m.MId | int | None,
        mgc_id: m.MId | None,
        profile: str | None,
        version: int | None,
        timestamp: str | None,
    ) -> list[str]:
        t = self.tok
        eq = self.eq
        items: list[str] = []
        if address is not None:
            items.append(f"{t[T_SERVICE_CHANGE_ADDRESS]}{eq}{_mid_text(address)}")
        if mgc_id is not None:
            if isinstance(mgc_id, int):
                raise H248Error("MgcIdToTry needs an mId, not a port")
            items.append(f"{t[T_MGC_ID_TO_TRY]}{eq}{_mid_text(mgc_id)}")
        if profile is not None:
            items.append(f"{t[T_PROFILE]}{eq}{_name(profile, 'profile')}")
        if version is not None:
            items.append(f"{t[T_VERSION]}{eq}{_uint(version, 99, 'version')}")
        if timestamp is not None:
            items.append(_timestamp(timestamp))
        return items


_PRETTY: Final = _Writer(compact=False)
_COMPACT: Final = _Writer(compact=True)
