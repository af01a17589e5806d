"""Decoder: H.248.1 Annex B text → :class:`~imsalg.h248.model.Message`.

A hand-written recursive-descent parser over a token list. The whole text is split into
tokens by one precompiled regular expression (:data:`~imsalg.h248._lexical.TOKEN_RE`) in a
single ``findall`` call, so no Python loop walks characters; Local/Remote descriptors come
out of the scanner as one token each, so SDP is never tokenised. Each grammar rule is a
function ``(tokens, index) -> (value, next index)`` that knows which keywords are legal
where (Annex B.2 note 2: "Add" is a keyword or a NAME depending on the context).

Speed (the decoder runs once per message an AGW receives): values are built by the fast
constructors of :mod:`~imsalg.h248._construct`; ``_KIND[token]`` finds a token's keyword
without lowering it each time; the rules hot on real traffic test list separators inline,
pass descriptor fields as explicit keywords rather than ``**fields``, and take the usual
shape of an item (``pkg/name = value``, a bare event name, a one-item LocalControl) in one
step before their general loop, which gives the same value or the same error.

Errors raise the private :class:`_Fail` with the index of the offending token; the public
wrapper turns it into :class:`~imsalg.errors.H248SyntaxError` with the line and column of
that token, found by scanning the text once more (only on the error path).

Rules kept here (all from H.248.1 Annex B.2): keywords in either form and any case;
descriptors that may appear once per command appear at most once; values are SafeChars
runs or quoted strings; identifiers are ``UINT32``/``UINT16`` where the grammar says so.
Constructs the model does not carry (segmented replies, individual audit descriptors,
context-attribute audit selection, regulated notify with embedded descriptors, context
lists, Modem) are refused with an error that says so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, Final, NoReturn, TypeVar

from imsalg.errors import H248SyntaxError
from imsalg.h248 import _builders
from imsalg.h248 import _vocabulary as vocabulary
from imsalg.h248 import model as m
from imsalg.h248._bound import (
    T_ADD,
    T_AUDIT,
    T_AUDIT_CAPABILITY,
    T_AUDIT_VALUE,
    T_AUTHENTICATION,
    T_BUFFER,
    T_CONTEXT,
    T_CONTEXT_ATTR,
    T_CONTEXT_AUDIT,
    T_CONTEXT_LIST,
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
    T_MESSAGE_SEGMENT,
    T_METHOD,
    T_MGC_ID_TO_TRY,
    T_MODE,
    T_MODEM,
    T_MODIFY,
    T_MOVE,
    T_MTP,
    T_MUX,
    T_NOTIFY,
    T_NOTIFY_COMPLETION,
    T_NOTIFY_REGULATED,
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
    T_SERVICE_CHANGE,
    T_SERVICE_CHANGE_ADDRESS,
    T_SERVICE_CHANGE_INCOMPLETE,
    T_SERVICE_STATES,
    T_SERVICES,
    T_SIGNAL_LIST,
    T_SIGNAL_TYPE,
    T_SIGNALS,
    T_STATISTICS,
    T_STREAM,
    T_SUBTRACT,
    T_TERMINATION_STATE,
    T_TOPOLOGY,
    T_TRANSACTION,
    T_VERSION,
)
from imsalg.h248._lexical import (
    OCTET_HEAD_RE,
    PLAIN_TOKEN_RE,
    SAFE_CHARS,
    TIMESTAMP_RE,
    TOKEN_RE,
    is_domain_name,
    is_ip_address,
    line_column,
    unescape_octets,
)
from imsalg.h248.tokens import KEYWORDS, Token

__all__ = ["decode_text"]

_T = TypeVar("_T")
_Tokens = list[str]
_Parser = Callable[[_Tokens, int], tuple[Any, int]]
_KW: Final = KEYWORDS.get


class _Keywords(dict[str, "Token | None"]):
    """Token text → its keyword (``None`` for any other token), in any case.

    ``KEYWORDS`` is keyed by the lower-case spelling; this cache keyed by the text as
    written spares a ``lower()`` per lookup. A token longer than any keyword is none; the
    cache forgets all when full, so input cannot grow it without bound.
    """

    def __missing__(self, token: str) -> Token | None:
        if len(token) > _KEYWORD_LENGTH:
            return None
        kw = _KW(token.lower())
        if len(self) >= _KEYWORD_CACHE:
            self.clear()
        self[token] = kw
        return kw


_KEYWORD_LENGTH: Final = max(map(len, KEYWORDS))
_KEYWORD_CACHE: Final = 4096
#: ``_KIND[token]`` is ``KEYWORDS.get(token.lower())``.
_KIND: Final = _Keywords()
_UINT32: Final = 0xFFFFFFFF
_UINT16: Final = 0xFFFF
_PADDING: Final = ("", "", "")
# MegacopToken SLASH Version; Version = 1*2(DIGIT)
_VERSION_RE: Final = re.compile(r"(?i:megaco|!)/([0-9]{1,2})\Z")
_HEX_RE: Final = re.compile(r"[0-9A-Fa-f]+\Z")
_OCTET_INITIALS: Final = frozenset("lLrR")
_LOCAL_INITIALS: Final = frozenset("lL")
# What unescape_octets may strip at the start and at the end of an octet string.
_OCTET_LEADING: Final = frozenset(" \t\r\n")
_OCTET_TRAILING: Final = frozenset(" \t")
_OCTET_HEAD_RE: Final = OCTET_HEAD_RE


# The decoder builds every value with a fast constructor (see _construct).
_ActionReply: Final = _builders.ActionReply
_ActionRequest: Final = _builders.ActionRequest
_Add: Final = _builders.Add
_AddReply: Final = _builders.AddReply
_AuditCapabilities: Final = _builders.AuditCapabilities
_AuditCapabilitiesReply: Final = _builders.AuditCapabilitiesReply
_AuditDescriptor: Final = _builders.AuditDescriptor
_AuditValue: Final = _builders.AuditValue
_AuditValueReply: Final = _builders.AuditValueReply
_AuthenticationHeader: Final = _builders.AuthenticationHeader
_ContextAudit: Final = _builders.ContextAudit
_ContextProperties: Final = _builders.ContextProperties
_DeviceName: Final = _builders.DeviceName
_DigitMapDescriptor: Final = _builders.DigitMapDescriptor
_DomainAddress: Final = _builders.DomainAddress
_DomainName: Final = _builders.DomainName
_EmbedDescriptor: Final = _builders.EmbedDescriptor
_ErrorDescriptor: Final = _builders.ErrorDescriptor
_EventSpec: Final = _builders.EventSpec
_EventsDescriptor: Final = _builders.EventsDescriptor
_LocalControl: Final = _builders.LocalControl
_MTPAddress: Final = _builders.MTPAddress
_MediaDescriptor: Final = _builders.MediaDescriptor
_Message: Final = _builders.Message
_Modify: Final = _builders.Modify
_ModifyReply: Final = _builders.ModifyReply
_Move: Final = _builders.Move
_MoveReply: Final = _builders.MoveReply
_MuxDescriptor: Final = _builders.MuxDescriptor
_Notify: Final = _builders.Notify
_NotifyReply: Final = _builders.NotifyReply
_ObservedEvent: Final = _builders.ObservedEvent
_ObservedEventsDescriptor: Final = _builders.ObservedEventsDescriptor
_PackageItem: Final = _builders.PackageItem
_PropertyParm: Final = _builders.PropertyParm
_RequestedEvent: Final = _builders.RequestedEvent
_ServiceChange: Final = _builders.ServiceChange
_ServiceChangeParms: Final = _builders.ServiceChangeParms
_ServiceChangeReply: Final = _builders.ServiceChangeReply
_ServiceChangeResult: Final = _builders.ServiceChangeResult
_SignalList: Final = _builders.SignalList
_SignalRequest: Final = _builders.SignalRequest
_SignalsDescriptor: Final = _builders.SignalsDescriptor
_StatisticsParameter: Final = _builders.StatisticsParameter
_StreamDescriptor: Final = _builders.StreamDescriptor
_Subtract: Final = _builders.Subtract
_SubtractReply: Final = _builders.SubtractReply
_TerminationAudit: Final = _builders.TerminationAudit
_TerminationState: Final = _builders.TerminationState
_TopologyTriple: Final = _builders.TopologyTriple
_TransactionAck: Final = _builders.TransactionAck
_TransactionPending: Final = _builders.TransactionPending
_TransactionReply: Final = _builders.TransactionReply
_TransactionRequest: Final = _builders.TransactionRequest
_TransactionResponseAck: Final = _builders.TransactionResponseAck


class _Fail(Exception):
    """Internal: a syntax error at token *index* (plus *offset* characters into it)."""

    def __init__(self, index: int, detail: str, offset: int = 0) -> None:
        super().__init__(detail)
        self.index = index
        self.detail = detail
        self.offset = offset


def decode_text(text: str) -> m.Message:
    """Parse one message; raises :class:`H248SyntaxError` and nothing else for bad input."""
    # Without a ";" there is no comment: a simpler scanner does (about 20% faster).
    tokens = (TOKEN_RE if ";" in text else PLAIN_TOKEN_RE).findall(text)
    # The scanner ends the list with one empty token; more of them let every rule look a
    # few tokens ahead without bounds checks.
    tokens += _PADDING
    try:
        message, index = _message(tokens, 0)
        if tokens[index]:
            raise _Fail(index, f"unexpected {_show(tokens[index])} after the message")
    except _Fail as fail:
        line, column = _where(text, fail.index, fail.offset)
        raise H248SyntaxError(fail.detail, line=line, column=column) from None
    except ValueError as exc:
        # Safety net: a value the parser let through but a model converter refuses.
        raise H248SyntaxError(f"invalid message: {exc}", line=1, column=1) from None
    return message


def _where(text: str, index: int, offset: int) -> tuple[int, int]:
    for number, match in enumerate(TOKEN_RE.finditer(text)):
        if number == index:
            return line_column(text, match.start(1) + offset)
    return line_column(text, len(text))


def _show(token: str) -> str:
    if not token:
        return "end of message"
    if len(token) > 40:
        token = token[:37] + "..."
    return repr(token)


def _fail(tokens: _Tokens, index: int, expected: str) -> NoReturn:
    raise _Fail(index, f"expected {expected}, got {_show(tokens[index])}")


def _twice(tokens: _Tokens, index: int) -> NoReturn:
    # Annex B.2: each of these appears at most once in its place.
    raise _Fail(index, f"{tokens[index]} appears twice")


def _expect(tokens: _Tokens, index: int, char: str) -> int:
    if tokens[index] != char:
        _fail(tokens, index, repr(char))
    return index + 1


def _separator(tokens: _Tokens, index: int) -> tuple[bool, int]:
    """After one item of ``LBRKT item *(COMMA item) RBRKT``: (more items?, next index)."""
    token = tokens[index]
    if token == ",":
        return True, index + 1
    if token == "}":
        return False, index + 1
    _fail(tokens, index, "',' or '}'")


def _closed(tokens: _Tokens, index: int) -> int:
    """After the last item of ``LBRKT item *(COMMA item) RBRKT``: the index past the brace.

    Hot loops test for the comma themselves and call this once, at the end of the list.
    """
    if tokens[index] != "}":
        _fail(tokens, index, "',' or '}'")
    return index + 1


def _list(
    tokens: _Tokens, index: int, item: Callable[[_Tokens, int], tuple[_T, int]]
) -> tuple[list[_T], int]:
    """``LBRKT item *(COMMA item) RBRKT`` (the opening brace at *index*)."""
    if tokens[index] != "{":
        _fail(tokens, index, "'{'")
    index += 1
    items: list[_T] = []
    while True:
        value, index = item(tokens, index)
        items.append(value)
        token = tokens[index]
        index += 1
        if token != ",":
            if token != "}":
                _fail(tokens, index - 1, "',' or '}'")
            return items, index


def _optional_list(
    tokens: _Tokens, index: int, item: Callable[[_Tokens, int], tuple[_T, int]]
) -> tuple[tuple[_T, ...], int]:
    """``[LBRKT item *(COMMA item) RBRKT]``: no brace is an empty tuple."""
    if tokens[index] != "{":
        return (), index
    items, index = _list(tokens, index, item)
    return tuple(items), index


def _token_value(tokens: _Tokens, index: int, table: Mapping[Token, _T], expected: str) -> _T:
    """The model value a keyword token at *index* stands for."""
    kw = _KIND[tokens[index]]
    value = table.get(kw) if kw is not None else None
    if value is None:
        _fail(tokens, index, expected)
    return value


def _assigned(tokens: _Tokens, index: int, table: Mapping[Token, _T], expected: str) -> _T:
    """``Keyword EQUAL token`` with the keyword at *index*: the token's value."""
    if tokens[index + 1] != "=":
        _fail(tokens, index + 1, "'='")
    return _token_value(tokens, index + 2, table, expected)


# -- lexical items ------------------------------------------------------------------------


def _safe(tokens: _Tokens, index: int, what: str) -> str:
    """A run of SafeChars (a NAME, pathNAME or other identifier)."""
    token = tokens[index]
    if token[:1] not in SAFE_CHARS:
        _fail(tokens, index, what)
    if "{" in token:
        # The scanner took "L {" / "R {" as the start of a Local/Remote descriptor.
        raise _Fail(
            index,
            f"{what} {token[: token.index('{')].strip()!r} followed by '{{' is spelled like "
            "the Local/Remote token (not supported)",
        )
    return token


def _pkgd_name(tokens: _Tokens, index: int, what: str) -> str:
    """pkgdName = (PackageName / "*") SLASH (ItemID / "*")."""
    token = tokens[index]
    if token[:1] in SAFE_CHARS and "/" in token and "{" not in token:
        return token
    _fail(tokens, index, what)


def _uint(tokens: _Tokens, index: int, limit: int, what: str) -> int:
    token = tokens[index]
    # UINT16 = 1*5(DIGIT); UINT32 = 1*10(DIGIT)
    if token.isdigit() and len(token) <= 10:
        value = int(token)
        if value <= limit:
            return value
    _fail(tokens, index, what)


def _quoted(tokens: _Tokens, index: int) -> str:
    """The text of a quotedString token (the scanner yields a lone '"' when it is open)."""
    token = tokens[index]
    if len(token) < 2:
        raise _Fail(index, "quoted string not closed (or it holds a control character)")
    return token[1:-1]


def _value(tokens: _Tokens, index: int) -> str:
    """VALUE = quotedString / 1*(SafeChar)."""
    token = tokens[index]
    first = token[:1]
    if first == '"':
        return _quoted(tokens, index)
    if first in SAFE_CHARS and "{" not in token:
        return token
    _fail(tokens, index, "a value")


def _value_item(tokens: _Tokens, index: int) -> tuple[str, int]:
    return _value(tokens, index), index + 1


def _request_id(tokens: _Tokens, index: int) -> m.RequestID:
    """RequestID = UINT32 / "*"."""
    if tokens[index] == "*":
        return "*"
    return _uint(tokens, index, _UINT32, "a request ID")


def _on_off(tokens: _Tokens, index: int) -> bool:
    return _token_value(tokens, index, _ON_OFF, "ON or OFF")


_ON_OFF: Final = {T_ON: True, T_OFF: False}
_RELATIONS: Final = {"#": m.Relation.NOT_EQUAL, "<": m.Relation.LESS, ">": m.Relation.GREATER}


def _parm_value(tokens: _Tokens, index: int, name: str) -> tuple[m.PropertyParm, int]:
    """parmValue = (EQUAL alternativeValue) / (INEQUAL VALUE) / (LESSER VALUE) /
    (GREATER VALUE); alternativeValue = VALUE / LSBRKT VALUE *(COMMA VALUE) RSBRKT /
    LSBRKT VALUE COLON VALUE RSBRKT / LBRKT VALUE *(COMMA VALUE) RBRKT."""
    op = tokens[index]
    index += 1
    if op == "=":
        token = tokens[index]
        if token[:1] in SAFE_CHARS and "{" not in token:
            # The usual case first: a single value that is a SafeChars run.
            return _PropertyParm(name=name, values=(token,)), index + 1
        if token == "[":
            first = _value(tokens, index + 1)
            index += 2
            if tokens[index] == ":":
                last = _value(tokens, index + 1)
                index = _expect(tokens, index + 2, "]")
                form = m.ValueForm.RANGE
                return _PropertyParm(name=name, values=(first, last), form=form), index
            values = [first]
            while tokens[index] == ",":
                values.append(_value(tokens, index + 1))
                index += 2
            index = _expect(tokens, index, "]")
            return _PropertyParm(name=name, values=tuple(values), form=m.ValueForm.LIST), index
        if token == "{":
            values, index = _list(tokens, index, _value_item)
            return _PropertyParm(name=name, values=tuple(values), form=m.ValueForm.CHOICE), index
        return _PropertyParm(name=name, values=(_value(tokens, index),)), index + 1
    relation = _RELATIONS.get(op)
    if relation is None:
        _fail(tokens, index - 1, "'=', '#', '<' or '>'")
    value = _value(tokens, index)
    return _PropertyParm(name=name, values=(value,), relation=relation), index + 1


def _property(tokens: _Tokens, index: int) -> tuple[m.PropertyParm, int]:
    """propertyParm = pkgdName parmValue."""
    name = tokens[index]
    if not (name[:1] in SAFE_CHARS and "/" in name and "{" not in name):
        _fail(tokens, index, "a package property (pkg/name)")
    return _parm_value(tokens, index + 1, name)


def _parameter(tokens: _Tokens, index: int, what: str) -> tuple[m.PropertyParm, int]:
    """eventOther / sigOther = NAME parmValue."""
    name = tokens[index]
    if not (name[:1] in SAFE_CHARS and "{" not in name):
        _safe(tokens, index, what)  # raises the error that fits
    return _parm_value(tokens, index + 1, name)


def _termination(tokens: _Tokens, index: int) -> tuple[str, int]:
    """TerminationID = "ROOT" / pathNAME / "$" / "*"."""
    return _safe(tokens, index, "a termination ID"), index + 1


def _termination_list(tokens: _Tokens, index: int) -> tuple[tuple[str, ...], int]:
    """termIDList = TerminationID / LSBRKT TerminationID *(COMMA TerminationID) RSBRKT."""
    token = tokens[index]
    if token != "[":
        if not (token[:1] in SAFE_CHARS and "{" not in token):
            _safe(tokens, index, "a termination ID")  # raises the error that fits
        return (token,), index + 1
    ids = [_safe(tokens, index + 1, "a termination ID")]
    index += 2
    while tokens[index] == ",":
        ids.append(_safe(tokens, index + 1, "a termination ID"))
        index += 2
    return tuple(ids), _expect(tokens, index, "]")


def _stream_id(tokens: _Tokens, index: int) -> int:
    return _uint(tokens, index, _UINT16, "a stream ID")


# -- message ------------------------------------------------------------------------------


def _message(tokens: _Tokens, index: int) -> tuple[m.Message, int]:
    """megacoMessage = LWSP [authenticationHeader SEP] message;
    message = MegacopToken SLASH Version SEP mId SEP messageBody."""
    authentication = None
    if _KIND[tokens[0]] is T_AUTHENTICATION:
        authentication, index = _authentication(tokens, 1)
    version = _version(tokens[index])
    if version is None:
        _fail(tokens, index, "'MEGACO/<version>' or '!/<version>'")
    mid, index = _mid(tokens, index + 1)
    if _KIND[tokens[index]] is T_ERROR:
        # messageBody = errorDescriptor / transactionList
        error, index = _error(tokens, index + 1)
        return _Message(mid=mid, version=version, error=error, authentication=authentication), index
    transactions: list[m.Transaction] = []
    while True:
        transaction, index = _transaction(tokens, index)
        transactions.append(transaction)
        if not tokens[index]:
            break
    return _Message(
        mid=mid,
        version=version,
        transactions=tuple(transactions),
        authentication=authentication,
    ), index


@functools.lru_cache(maxsize=64)
def _version(token: str) -> int | None:
    """The version of a ``MEGACO/3`` or ``!/3`` token (cached: it is the same every time)."""
    match = _VERSION_RE.match(token)
    return None if match is None else int(match[1])


def _authentication(tokens: _Tokens, index: int) -> tuple[m.AuthenticationHeader, int]:
    """AuthToken EQUAL SecurityParmIndex COLON SequenceNum COLON AuthData (each "0x" HEX)."""
    index = _expect(tokens, index, "=")
    spi = _hex(tokens, index, 8, 8, "a security parameter index (0x + 8 hex digits)")
    index = _expect(tokens, index + 1, ":")
    sequence = _hex(tokens, index, 8, 8, "a sequence number (0x + 8 hex digits)")
    index = _expect(tokens, index + 1, ":")
    data = _hex(tokens, index, 24, 64, "authentication data (0x + 24 to 64 hex digits)")
    if len(data) % 2:
        raise _Fail(index, "authentication data must be whole octets")
    return _AuthenticationHeader(
        spi=int(spi, 16), sequence=int(sequence, 16), data=bytes.fromhex(data)
    ), index + 1


def _hex(tokens: _Tokens, index: int, least: int, most: int, what: str) -> str:
    token = tokens[index]
    digits = token[2:]
    if token[:2].lower() == "0x" and least <= len(digits) <= most and _HEX_RE.match(digits):
        return digits
    _fail(tokens, index, what)


def _mid(tokens: _Tokens, index: int) -> tuple[m.MId, int]:
    """mId = domainAddress / domainName / deviceName / mtpAddress."""
    token = tokens[index]
    if token == "[":
        # domainAddress = "[" (IPv4address / IPv6address) "]" [":" portNumber]
        end = index + 2
        if tokens[end] != "]":
            end = index + 1
            while tokens[end] == ":" or tokens[end][:1] in _ADDRESS_CHARS:
                end += 1
        address = "".join(tokens[index + 1 : end])
        if not is_ip_address(address):
            raise _Fail(index + 1, f"{address!r} is not an IPv4 or IPv6 address")
        index = _expect(tokens, end, "]")
        port, index = _port(tokens, index)
        return _DomainAddress(address=address, port=port), index
    if token == "<":
        name = tokens[index + 1]
        if not is_domain_name(name):
            _fail(tokens, index + 1, "a domain name")
        if tokens[index + 2] != ">":
            _fail(tokens, index + 2, "'>'")
        if tokens[index + 3] != ":":
            return _DomainName(name=name, port=None), index + 3
        port = _uint(tokens, index + 4, _UINT16, "a port number")
        return _DomainName(name=name, port=port), index + 5
    kw = _KIND[token]
    if kw is T_MTP and tokens[index + 1] == "{":
        # mtpAddress = MTPToken LBRKT 4*8 (HEXDIG) RBRKT
        address = tokens[index + 2]
        if not 4 <= len(address) <= 8 or _HEX_RE.match(address) is None:
            _fail(tokens, index + 2, "an MTP address (4 to 8 hex digits)")
        return _MTPAddress(address=address), _expect(tokens, index + 3, "}")
    if kw in _BODY_START:
        _fail(tokens, index, "a message identifier (mId)")
    return _DeviceName(name=_safe(tokens, index, "a message identifier (mId)")), index + 1


_ADDRESS_CHARS: Final = frozenset("0123456789abcdefABCDEF.")
_BODY_START: Final = frozenset({T_TRANSACTION, T_REPLY, T_PENDING, T_RESPONSE_ACK, T_ERROR})


def _port(tokens: _Tokens, index: int) -> tuple[int | None, int]:
    if tokens[index] != ":":
        return None, index
    return _uint(tokens, index + 1, _UINT16, "a port number"), index + 2


# -- transactions -------------------------------------------------------------------------


def _transaction(tokens: _Tokens, index: int) -> tuple[m.Transaction, int]:
    kw = _KIND[tokens[index]]
    if kw is T_TRANSACTION:
        # transactionRequest = TransToken EQUAL TransactionID LBRKT actionRequest
        #                      *(COMMA actionRequest) RBRKT
        if tokens[index + 1] != "=":
            _fail(tokens, index + 1, "'='")
        token = tokens[index + 2]
        # TransactionID = UINT32 (the test of _uint)
        if not (token.isdigit() and len(token) <= 10 and int(token) <= _UINT32):
            _fail(tokens, index + 2, "a transaction ID")
        tid = int(token)
        actions, index = _list(tokens, index + 3, _action_request)
        return _TransactionRequest(transaction_id=tid, actions=tuple(actions)), index
    if kw is T_REPLY:
        return _transaction_reply(tokens, index + 1)
    if kw is T_PENDING:
        # transactionPending = PendingToken EQUAL TransactionID LBRKT RBRKT
        index = _expect(tokens, index + 1, "=")
        tid = _uint(tokens, index, _UINT32, "a transaction ID")
        index = _expect(tokens, index + 1, "{")
        return _TransactionPending(transaction_id=tid), _expect(tokens, index, "}")
    if kw is T_RESPONSE_ACK:
        # transactionResponseAck = ResponseAckToken LBRKT transactionAck
        #                          *(COMMA transactionAck) RBRKT
        acks, index = _list(tokens, index + 1, _transaction_ack)
        return _TransactionResponseAck(acks=tuple(acks)), index
    if kw is T_MESSAGE_SEGMENT:
        raise _Fail(index, "segment replies (H.248.1 v3 segmentation) are not supported")
    _fail(tokens, index, "Transaction, Reply, Pending or TransactionResponseAck")


def _transaction_ack(tokens: _Tokens, index: int) -> tuple[m.TransactionAck, int]:
    """transactionAck = TransactionID / (TransactionID "-" TransactionID)."""
    first, dash, last = tokens[index].partition("-")
    if first.isdigit() and len(first) <= 10 and int(first) <= _UINT32:
        if not dash:
            return _TransactionAck(first=int(first)), index + 1
        if last.isdigit() and len(last) <= 10 and int(last) <= _UINT32:
            return _TransactionAck(first=int(first), last=int(last)), index + 1
    _fail(tokens, index, "a transaction ID or a range 'first-last'")


def _transaction_reply(tokens: _Tokens, index: int) -> tuple[m.TransactionReply, int]:
    """transactionReply = ReplyToken EQUAL TransactionID LBRKT [ImmAckRequiredToken COMMA]
    (errorDescriptor / actionReplyList) RBRKT."""
    if tokens[index] != "=":
        _fail(tokens, index, "'='")
    token = tokens[index + 1]
    if "/" in token:
        raise _Fail(index + 1, "segmented replies (H.248.1 v3 segmentation) are not supported")
    # TransactionID = UINT32 (the test of _uint)
    if not (token.isdigit() and len(token) <= 10 and int(token) <= _UINT32):
        _fail(tokens, index + 1, "a transaction ID")
    tid = int(token)
    if tokens[index + 2] != "{":
        _fail(tokens, index + 2, "'{'")
    index += 3
    imm_ack = False
    kw = _KIND[tokens[index]]
    if kw is T_IMM_ACK_REQUIRED:
        imm_ack = True
        index = _expect(tokens, index + 1, ",")
        kw = _KIND[tokens[index]]
    if kw is T_ERROR:
        error, index = _error(tokens, index + 1)
        return _TransactionReply(
            transaction_id=tid, error=error, imm_ack_required=imm_ack
        ), _expect(tokens, index, "}")
    actions = []
    while True:
        action, index = _action_reply(tokens, index)
        actions.append(action)
        token = tokens[index]
        index += 1
        if token != ",":
            break
    if token != "}":
        _fail(tokens, index - 1, "',' or '}'")
    return _TransactionReply(
        transaction_id=tid, actions=tuple(actions), imm_ack_required=imm_ack
    ), index


def _context_id(tokens: _Tokens, index: int) -> m.ContextID:
    """ContextID = (UINT32 / "*" / "-" / "$")."""
    token = tokens[index]
    if token in ("$", "*", "-"):
        return token
    return _uint(tokens, index, _UINT32, "a context ID")


# -- actions ------------------------------------------------------------------------------


class _ContextBuilder:
    """Collects contextProperty items (each at most once)."""

    __slots__ = ("attributes", "emergency", "ieps", "priority", "seen", "topology")

    def __init__(self) -> None:
        self.priority: int | None = None
        self.emergency: bool | None = None
        self.ieps: bool | None = None
        self.topology: tuple[m.TopologyTriple, ...] = ()
        self.attributes: tuple[m.PropertyParm, ...] = ()
        self.seen: set[Token] = set()

    def take(self, kw: Token, tokens: _Tokens, index: int) -> int:
        """Parse the context property starting with *kw* (one of _CONTEXT_PROPERTIES)."""
        if kw is T_EMERGENCY_OFF:
            kw = T_EMERGENCY
        if kw in self.seen:
            _twice(tokens, index)
        self.seen.add(kw)
        if kw is T_PRIORITY:
            # priority = PriorityToken EQUAL UINT16
            index = _expect(tokens, index + 1, "=")
            self.priority = _uint(tokens, index, _UINT16, "a priority")
            return index + 1
        if kw is T_EMERGENCY:
            self.emergency = _KIND[tokens[index]] is T_EMERGENCY
            return index + 1
        if kw is T_IEPS_CALL:
            # iepsValue = IEPSToken EQUAL ("ON" / "OFF")
            self.ieps = _assigned(tokens, index, _ON_OFF, "ON or OFF")
            return index + 3
        if kw is T_TOPOLOGY:
            self.topology, index = _topology(tokens, index + 1)
            return index
        # contextAttrDescriptor = ContextAttrToken LBRKT (propertyParm
        #                         *(COMMA propertyParm) / contextIdList) RBRKT
        if _KIND[tokens[index + 2]] is T_CONTEXT_LIST:
            raise _Fail(index + 2, "ContextList in ContextAttr is not supported")
        attributes, index = _list(tokens, index + 1, _property)
        self.attributes = tuple(attributes)
        return index

    def build(self) -> m.ContextProperties:
        return _ContextProperties(
            priority=self.priority,
            emergency=self.emergency,
            ieps=self.ieps,
            topology=self.topology,
            attributes=self.attributes,
        )


_CONTEXT_PROPERTIES: Final = frozenset(
    {
        T_PRIORITY,
        T_EMERGENCY,
        T_EMERGENCY_OFF,
        T_IEPS_CALL,
        T_TOPOLOGY,
        T_CONTEXT_ATTR,
    }
)


def _topology(tokens: _Tokens, index: int) -> tuple[tuple[m.TopologyTriple, ...], int]:
    """topologyDescriptor = TopologyToken LBRKT topologyTriple *(COMMA topologyTriple) RBRKT;
    topologyTriple = terminationA COMMA terminationB COMMA topologyDirection
    [COMMA eventStream]."""
    index = _expect(tokens, index, "{")
    triples = []
    while True:
        first = _safe(tokens, index, "a termination ID")
        index = _expect(tokens, index + 1, ",")
        second = _safe(tokens, index, "a termination ID")
        index = _expect(tokens, index + 1, ",")
        direction = _token_value(
            tokens,
            index,
            vocabulary.TOPOLOGY_DIRECTIONS,
            "a topology direction (Isolate, Oneway, Bothway, ...)",
        )
        index += 1
        stream = None
        if tokens[index] == "," and _KIND[tokens[index + 1]] is T_STREAM:
            index = _expect(tokens, index + 2, "=")
            stream = _stream_id(tokens, index)
            index += 1
        triples.append(
            _TopologyTriple(
                from_termination=first, to_termination=second, direction=direction, stream=stream
            )
        )
        if tokens[index] != ",":
            break
        index += 1
    index = _closed(tokens, index)
    return tuple(triples), index


def _action_request(tokens: _Tokens, index: int) -> tuple[m.ActionRequest, int]:
    """actionRequest = CtxToken EQUAL ContextID LBRKT ((contextRequest [COMMA
    commandRequestList]) / commandRequestList) RBRKT."""
    if _KIND[tokens[index]] is not T_CONTEXT:
        _fail(tokens, index, "Context")
    if tokens[index + 1] != "=":
        _fail(tokens, index + 1, "'='")
    context_id = _context_id(tokens, index + 2)
    if tokens[index + 3] != "{":
        _fail(tokens, index + 3, "'{'")
    index += 4
    context = None
    audit = None
    commands: list[m.Command] = []
    while True:
        kw = _KIND[tokens[index]]
        if kw in _CONTEXT_PROPERTIES and not commands:
            if context is None:
                context = _ContextBuilder()
            index = context.take(kw, tokens, index)
        elif kw is T_CONTEXT_AUDIT and not commands:
            if audit is not None:
                _twice(tokens, index)
            audit, index = _context_audit(tokens, index + 1)
        else:
            command, index = _command(tokens, index)
            commands.append(command)
        token = tokens[index]
        index += 1
        if token != ",":
            break
    if token != "}":
        _fail(tokens, index - 1, "',' or '}'")
    return _ActionRequest(
        context_id=context_id,
        context=None if context is None else context.build(),
        context_audit=audit,
        commands=tuple(commands),
    ), index


def _context_audit(tokens: _Tokens, index: int) -> tuple[m.ContextAudit, int]:
    """contextAudit = ContextAuditToken LBRKT contextAuditProperties RBRKT (no selectors)."""
    index = _expect(tokens, index, "{")
    flags: set[Token] = set()
    properties: list[str] = []
    more = True
    while more:
        kw = _KIND[tokens[index]]
        if kw in _CONTEXT_AUDIT_FLAGS:
            if tokens[index + 1] == "=":
                raise _Fail(index, "context audit selection criteria are not supported")
            flags.add(kw)
        else:
            properties.append(
                _pkgd_name(tokens, index, "Topology, Emergency, Priority, IEPSCall or pkg/name")
            )
        more, index = _separator(tokens, index + 1)
    return _ContextAudit(
        topology=T_TOPOLOGY in flags,
        emergency=T_EMERGENCY in flags,
        priority=T_PRIORITY in flags,
        ieps=T_IEPS_CALL in flags,
        properties=tuple(properties),
    ), index


_CONTEXT_AUDIT_FLAGS: Final = frozenset({T_TOPOLOGY, T_EMERGENCY, T_PRIORITY, T_IEPS_CALL})


def _action_reply(tokens: _Tokens, index: int) -> tuple[m.ActionReply, int]:
    """actionReply = CtxToken EQUAL ContextID [LBRKT (errorDescriptor / commandReply /
    (commandReply COMMA errorDescriptor)) RBRKT]."""
    if _KIND[tokens[index]] is not T_CONTEXT:
        _fail(tokens, index, "Context")
    if tokens[index + 1] != "=":
        _fail(tokens, index + 1, "'='")
    context_id = _context_id(tokens, index + 2)
    index += 3
    if tokens[index] != "{":
        return _ActionReply(context_id=context_id), index
    index += 1
    context = None
    replies: list[m.CommandReply] = []
    error = None
    while True:
        kw = _KIND[tokens[index]]
        if kw is T_ERROR:
            error, index = _error(tokens, index + 1)
            token = tokens[index]
            if token != "}":
                _fail(tokens, index, "'}'")
            index += 1
            break
        if kw in _CONTEXT_PROPERTIES:
            if context is None:
                context = _ContextBuilder()
            index = context.take(kw, tokens, index)
        else:
            reply, index = _command_reply(tokens, index, kw)
            replies.append(reply)
        token = tokens[index]
        index += 1
        if token != ",":
            break
    if token != "}":
        _fail(tokens, index - 1, "',' or '}'")
    built = None if context is None else context.build()
    return _ActionReply(
        context_id=context_id, context=built, replies=tuple(replies), error=error
    ), index


# -- commands -----------------------------------------------------------------------------


def _command(tokens: _Tokens, index: int) -> tuple[m.Command, int]:
    """commandRequest with the optional ``O-`` and ``W-`` prefixes (Annex B.2
    commandRequestList = ["O-"] ["W-"] commandRequest ...)."""
    token = tokens[index]
    kw = _KIND[token]
    optional = wildcard = False
    if kw is None and token[1:2] == "-":
        # No keyword holds a "-": a prefixed command word is none, and only such a word.
        word = token.lower()
        if word.startswith("o-"):
            optional = True
            word = word[2:]
        if word.startswith("w-"):
            wildcard = True
            word = word[2:]
        kw = _KW(word)
    if kw is None or kw not in _COMMANDS:
        _fail(
            tokens,
            index,
            "a command (Add, Modify, Move, Subtract, AuditValue, AuditCapability, Notify, "
            "ServiceChange) or a context property",
        )
    if tokens[index + 1] != "=":
        _fail(tokens, index + 1, "'='")
    token = tokens[index + 2]
    if token[:1] in SAFE_CHARS and "{" not in token:
        # The usual case: one termination ID (what _termination_list returns for it).
        terminations: tuple[str, ...] = (token,)
        index += 3
    else:
        terminations, index = _termination_list(tokens, index + 2)
    has_body = tokens[index] == "{"
    if has_body:
        index += 1
    amm = _AMM_REQUESTS.get(kw)
    if amm is not None:
        # ammRequest = (AddToken / MoveToken / ModifyToken) EQUAL termIDList
        #              [LBRKT ammParameter *(COMMA ammParameter) RBRKT]
        d: list[Any] = [None, None, None, None, None, None, None, None]
        if has_body:
            index = _descriptors(tokens, index, _AMM_PARAMETERS, d)
        return amm(
            terminations=terminations,
            optional=optional,
            wildcard_reply=wildcard,
            media=d[0],
            events=d[1],
            signals=d[2],
            event_buffer=d[3],
            digit_map=d[4],
            audit=d[5],
            statistics=d[6],
            mux=d[7],
        ), index
    audited = _AUDITED_REQUESTS.get(kw)
    if audited is not None:
        # subtractRequest / auditRequest = Token EQUAL termIDList [LBRKT auditDescriptor RBRKT]
        audit = None
        if has_body:
            if _KIND[tokens[index]] is not T_AUDIT:
                _fail(tokens, index, "Audit")
            audit, index = _audit(tokens, index + 1)
            index = _expect(tokens, index, "}")
        command = audited(
            terminations=terminations, optional=optional, wildcard_reply=wildcard, audit=audit
        )
        return command, index
    if not has_body:
        _fail(tokens, index, "'{'")
    if kw is T_NOTIFY:
        # notifyRequest = NotifyToken EQUAL termIDList LBRKT (observedEventsDescriptor
        #                 [COMMA errorDescriptor]) RBRKT
        if _KIND[tokens[index]] is not T_OBSERVED_EVENTS:
            _fail(tokens, index, "ObservedEvents")
        observed, index = _observed_events(tokens, index + 1)
        error = None
        if tokens[index] == ",":
            if _KIND[tokens[index + 1]] is not T_ERROR:
                _fail(tokens, index + 1, "Error")
            error, index = _error(tokens, index + 2)
        notify = _Notify(
            terminations=terminations,
            optional=optional,
            wildcard_reply=wildcard,
            observed_events=observed,
            error=error,
        )
        return notify, _expect(tokens, index, "}")
    # serviceChangeRequest = ServiceChangeToken EQUAL TerminationID LBRKT
    #                        serviceChangeDescriptor RBRKT
    if _KIND[tokens[index]] is not T_SERVICES:
        _fail(tokens, index, "Services")
    parms, index = _service_change_parms(tokens, index + 1)
    change = _ServiceChange(
        terminations=terminations, optional=optional, wildcard_reply=wildcard, parms=parms
    )
    return change, _expect(tokens, index, "}")


_AMM_REQUESTS: Final[dict[Token, Callable[..., m.Add | m.Modify | m.Move]]] = {
    T_ADD: _Add,
    T_MODIFY: _Modify,
    T_MOVE: _Move,
}
_AUDITED_REQUESTS: Final[
    dict[Token, Callable[..., m.Subtract | m.AuditValue | m.AuditCapabilities]]
] = {
    T_SUBTRACT: _Subtract,
    T_AUDIT_VALUE: _AuditValue,
    T_AUDIT_CAPABILITY: _AuditCapabilities,
}
_COMMANDS: Final = frozenset({*_AMM_REQUESTS, *_AUDITED_REQUESTS, T_NOTIFY, T_SERVICE_CHANGE})


def _descriptors(
    tokens: _Tokens, index: int, table: Mapping[Token, tuple[int, _Parser]], slots: list[Any]
) -> int:
    """descriptor *(COMMA descriptor) RBRKT, each kind at most once, into its slot (no
    descriptor parses to ``None``)."""
    while True:
        kw = _KIND[tokens[index]]
        parse = table.get(kw) if kw is not None else None
        if parse is None:
            if kw is T_MODEM:
                raise _Fail(index, "the Modem descriptor (deprecated) is not supported")
            _fail(tokens, index, "a descriptor (" + ", ".join(t.long for t in table) + ")")
        slot, parser = parse
        if slots[slot] is not None:
            _twice(tokens, index)
        slots[slot], index = parser(tokens, index + 1)
        token = tokens[index]
        index += 1
        if token != ",":
            break
    if token != "}":
        _fail(tokens, index - 1, "',' or '}'")
    return index


def _command_reply(tokens: _Tokens, index: int, kw: Token | None) -> tuple[m.CommandReply, int]:
    """commandReply = serviceChangeReply / auditReply / ammsReply / notifyReply."""
    if kw is None or kw not in _REPLIES:
        _fail(tokens, index, "a command reply, a context property or Error")
    if tokens[index + 1] != "=":
        _fail(tokens, index + 1, "'='")
    index += 2
    if (
        kw in (T_AUDIT_VALUE, T_AUDIT_CAPABILITY)
        and _KIND[tokens[index]] is T_CONTEXT
        and tokens[index + 1] in ("[", "{")
    ):
        # contextTerminationAudit = EQUAL CtxToken (terminationIDList / LBRKT
        # errorDescriptor RBRKT); a lone "C" or "Context" is a termination ID.
        raise _Fail(index, "the context form of an audit reply is not supported")
    token = tokens[index]
    if token[:1] in SAFE_CHARS and "{" not in token:
        # The usual case: one termination ID (what _termination_list returns for it).
        terminations: tuple[str, ...] = (token,)
        index += 1
    else:
        terminations, index = _termination_list(tokens, index)
    if tokens[index] != "{":
        return _REPLIES[kw](terminations=terminations), index
    index += 1
    if kw is T_NOTIFY:
        # notifyReply = NotifyToken EQUAL termIDList [LBRKT errorDescriptor RBRKT]
        if _KIND[tokens[index]] is not T_ERROR:
            _fail(tokens, index, "Error")
        error, index = _error(tokens, index + 1)
        return _NotifyReply(terminations=terminations, error=error), _expect(tokens, index, "}")
    if kw is T_SERVICE_CHANGE:
        # serviceChangeReply = ServiceChangeToken EQUAL TerminationID [LBRKT
        #     (errorDescriptor / serviceChangeReplyDescriptor) RBRKT]
        inner = _KIND[tokens[index]]
        if inner is T_ERROR:
            error, index = _error(tokens, index + 1)
            reply = _ServiceChangeReply(terminations=terminations, error=error)
        elif inner is T_SERVICES:
            result, index = _service_change_result(tokens, index + 1)
            reply = _ServiceChangeReply(terminations=terminations, result=result)
        else:
            _fail(tokens, index, "Error or Services")
        return reply, _expect(tokens, index, "}")
    # ammsReply = (AddToken / MoveToken / ModifyToken / SubtractToken) EQUAL termIDList
    #             [LBRKT terminationAudit RBRKT]
    audit, index = _termination_audit(tokens, index)
    return _REPLIES[kw](terminations=terminations, audit=audit), index


_REPLIES: Final[dict[Token, Callable[..., m.CommandReply]]] = {
    T_ADD: _AddReply,
    T_MODIFY: _ModifyReply,
    T_MOVE: _MoveReply,
    T_SUBTRACT: _SubtractReply,
    T_AUDIT_VALUE: _AuditValueReply,
    T_AUDIT_CAPABILITY: _AuditCapabilitiesReply,
    T_NOTIFY: _NotifyReply,
    T_SERVICE_CHANGE: _ServiceChangeReply,
}


def _termination_audit(tokens: _Tokens, index: int) -> tuple[m.TerminationAudit, int]:
    """terminationAudit = auditReturnParameter *(COMMA auditReturnParameter) RBRKT."""
    d: list[Any] = [None, None, None, None, None, None, None, None, None, None]
    items: list[m.AuditItem] = []
    while True:
        kw = _KIND[tokens[index]]
        bare = vocabulary.BARE_AUDIT_ITEMS.get(kw) if kw is not None else None
        if tokens[index + 1] in (",", "}") and (bare is not None or kw is T_STATISTICS):
            # auditReturnItem = (MuxToken / ModemToken / MediaToken / DigitMapToken /
            #                    StatsToken / ObservedEventsToken / PackagesToken)
            if bare is None:
                if d[5] is not None:
                    _twice(tokens, index)
                d[5] = ()
            elif bare in items:
                _twice(tokens, index)
            else:
                items.append(bare)
            index += 1
        else:
            parse = _AUDIT_RETURN_PARAMETERS.get(kw) if kw is not None else None
            if parse is None:
                if kw is T_MODEM:
                    raise _Fail(index, "the Modem descriptor (deprecated) is not supported")
                _fail(tokens, index, "a descriptor or audit item")
            slot, parser = parse
            if d[slot] is not None:
                _twice(tokens, index)
            d[slot], index = parser(tokens, index + 1)
        if tokens[index] != ",":
            break
        index += 1
    audit = _TerminationAudit(
        media=d[0],
        events=d[1],
        signals=d[2],
        event_buffer=d[3],
        digit_map=d[4],
        statistics=d[5],
        mux=d[6],
        observed_events=d[7],
        packages=d[8],
        error=d[9],
        items=tuple(items),
    )
    return audit, _closed(tokens, index)


# -- descriptors --------------------------------------------------------------------------


def _error(tokens: _Tokens, index: int) -> tuple[m.ErrorDescriptor, int]:
    """errorDescriptor = ErrorToken EQUAL ErrorCode LBRKT [quotedString] RBRKT;
    ErrorCode = 1*4(DIGIT)."""
    index = _expect(tokens, index, "=")
    token = tokens[index]
    if not (token.isdigit() and len(token) <= 4):
        _fail(tokens, index, "an error code (1 to 4 digits)")
    code = int(token)
    index = _expect(tokens, index + 1, "{")
    text = None
    if tokens[index][:1] == '"':
        text = _quoted(tokens, index)
        index += 1
    return _ErrorDescriptor(code=code, text=text), _expect(tokens, index, "}")


def _media(tokens: _Tokens, index: int) -> tuple[m.MediaDescriptor, int]:
    """mediaDescriptor = MediaToken LBRKT mediaParm *(COMMA mediaParm) RBRKT;
    mediaParm = (streamParm / streamDescriptor / terminationStateDescriptor)."""
    if tokens[index] != "{":
        _fail(tokens, index, "'{'")
    index += 1
    state = None
    streams: list[m.StreamDescriptor] = []
    bare: list[Any] | None = None
    while True:
        kw = _KIND[tokens[index]]
        if kw is T_STREAM:
            # streamDescriptor = StreamToken EQUAL StreamID LBRKT streamParm
            #                    *(COMMA streamParm) RBRKT
            if tokens[index + 1] != "=":
                _fail(tokens, index + 1, "'='")
            token = tokens[index + 2]
            # StreamID = UINT16 (the test of _uint)
            if not (token.isdigit() and len(token) <= 10 and int(token) <= _UINT16):
                _fail(tokens, index + 2, "a stream ID")
            stream_id = int(token)
            if tokens[index + 3] != "{":
                _fail(tokens, index + 3, "'{'")
            parms: list[Any] = [None, None, None, None]
            index += 4
            while True:
                index = _stream_parm(tokens, index, parms)
                token = tokens[index]
                index += 1
                if token != ",":
                    break
            if token != "}":
                _fail(tokens, index - 1, "',' or '}'")
            streams.append(
                _StreamDescriptor(
                    stream_id=stream_id,
                    local_control=parms[0],
                    local=parms[1],
                    remote=parms[2],
                    statistics=parms[3],
                )
            )
        elif kw is T_TERMINATION_STATE:
            if state is not None:
                _twice(tokens, index)
            state, index = _termination_state(tokens, index + 1)
        else:
            if bare is None:
                bare = [None, None, None, None]
            index = _stream_parm(tokens, index, bare)
        token = tokens[index]
        index += 1
        if token != ",":
            break
    if token != "}":
        _fail(tokens, index - 1, "',' or '}'")
    if bare is not None:
        # "using either streamParms or streamDescriptors but not both"
        if streams:
            raise _Fail(index - 1, "a Media descriptor mixes Stream descriptors and bare parms")
        streams.append(
            _StreamDescriptor(
                local_control=bare[0], local=bare[1], remote=bare[2], statistics=bare[3]
            )
        )
    return _MediaDescriptor(termination_state=state, streams=tuple(streams)), index


def _stream_parm(tokens: _Tokens, index: int, parms: list[Any]) -> int:
    """streamParm = (localDescriptor / remoteDescriptor / localControlDescriptor /
    statisticsDescriptor), stored in *parms* (LocalControl, Local, Remote, Statistics),
    each at most once."""
    token = tokens[index]
    brace = token.find("{")
    if brace > 0 and token[0] in _OCTET_INITIALS:
        # Only the scanner's Local/Remote tokens start with L or R and hold a brace.
        if token.find(";", 0, brace) >= 0:
            # A comment between the keyword and the brace: it may hold a brace itself.
            brace = _OCTET_HEAD_RE.match(token).end() - 1  # type: ignore[union-attr]
        # The scanner takes "\}" as an escape, so the token is closed exactly when it ends
        # in a brace that is not part of one (an escape: a backslash before it; the token
        # holds at least "L{").
        if token[-1] != "}" or token[-2] == "\\":
            raise _Fail(
                index,
                f"{_OCTET_HEAD_RE.match(token)[1]} descriptor not closed by '}}' "  # type: ignore[index]
                "(or it contains a NUL)",
                len(token),
            )
        # localDescriptor = LocalToken LBRKT octetString RBRKT (the same for Remote)
        slot = 1 if token[0] in _LOCAL_INITIALS else 2
        if parms[slot] is not None:
            _twice(tokens, index)
        # Slicing past the usual line break after the brace spares unescape_octets a copy.
        start = brace + 2 if token[brace + 1 : brace + 2] == "\n" else brace + 1
        sdp = token[start:-1]
        if sdp[:1] in _OCTET_LEADING or sdp[-1:] in _OCTET_TRAILING or "\\}" in sdp:
            # Only then does unescape_octets change the text.
            sdp = unescape_octets(sdp)
        parms[slot] = sdp
        return index + 1
    kw = _KIND[token]
    if kw is T_LOCAL_CONTROL:
        if parms[0] is not None:
            _twice(tokens, index)
        parms[0], index = _local_control(tokens, index + 1)
        return index
    if kw is T_STATISTICS:
        if parms[3] is not None:
            _twice(tokens, index)
        parms[3], index = _statistics(tokens, index + 1)
        return index
    if kw is T_LOCAL or kw is T_REMOTE:
        _fail(tokens, index + 1, f"'{{' and the SDP of the {kw.long} descriptor")
    _fail(
        tokens,
        index,
        "a stream parameter (LocalControl, Local, Remote, Statistics), Stream or TerminationState",
    )


# Keyword → (slot of its value, value table, what is expected after "=").
_Keyed = Mapping[Token, tuple[int, Mapping[Token, Any], str]]
# terminationStateDescriptor = TerminationStateToken LBRKT terminationStateParm
#     *(COMMA terminationStateParm) RBRKT;
# terminationStateParm = propertyParm / serviceStates / eventBufferControl
_TERMINATION_STATE_KEYS: Final[_Keyed] = {
    T_SERVICE_STATES: (0, vocabulary.SERVICE_STATES, "Test, OutOfService or InService"),
    T_BUFFER: (1, vocabulary.BUFFER_CONTROLS, "OFF or LockStep"),
}
# localControlDescriptor = LocalControlToken LBRKT localParm *(COMMA localParm) RBRKT;
# localParm = (streamMode / propertyParm / reservedValueMode / reservedGroupMode)
_LOCAL_CONTROL_KEYS: Final[_Keyed] = {
    T_MODE: (0, vocabulary.STREAM_MODES, "a stream mode (SendReceive, ...)"),
    T_RESERVED_VALUE: (1, _ON_OFF, "ON or OFF"),
    T_RESERVED_GROUP: (2, _ON_OFF, "ON or OFF"),
}


def _termination_state(tokens: _Tokens, index: int) -> tuple[m.TerminationState, int]:
    if tokens[index] == "{" and tokens[index + 2] == "=" and tokens[index + 4] == "}":
        # The usual shape, "{ pkg/name = value }": what _keyed_properties gives for it (no
        # keyword holds a "/"), in one call less.
        name = tokens[index + 1]
        value = tokens[index + 3]
        if (
            value[:1] in SAFE_CHARS
            and "{" not in value
            and name[:1] in SAFE_CHARS
            and "/" in name
            and "{" not in name
        ):
            prop = _PropertyParm(name=name, values=(value,))
            return _TerminationState(properties=(prop,)), index + 5
    values, properties, index = _keyed_properties(tokens, index, _TERMINATION_STATE_KEYS)
    if values is None:
        return _TerminationState(properties=properties), index
    return _TerminationState(
        properties=properties, service_state=values[0], buffer=values[1]
    ), index


def _local_control(tokens: _Tokens, index: int) -> tuple[m.LocalControl, int]:
    if (
        tokens[index] == "{"
        and tokens[index + 2] == "="
        and tokens[index + 4] == "}"
        and _KIND[tokens[index + 1]] is T_MODE
    ):
        # The usual shape, "{ Mode = <mode> }": what _keyed_properties gives for it.
        mode = vocabulary.STREAM_MODES.get(_KIND[tokens[index + 3]])  # type: ignore[arg-type]
        if mode is not None:
            return _LocalControl(mode=mode), index + 5
    values, properties, index = _keyed_properties(tokens, index, _LOCAL_CONTROL_KEYS)
    if values is None:
        return _LocalControl(properties=properties), index
    return _LocalControl(
        mode=values[0], reserve_value=values[1], reserve_group=values[2], properties=properties
    ), index


def _keyed_properties(
    tokens: _Tokens, index: int, keys: _Keyed
) -> tuple[list[Any] | None, tuple[m.PropertyParm, ...], int]:
    """``LBRKT item *(COMMA item) RBRKT`` where an item is ``Keyword EQUAL token`` (each
    keyword of *keys* at most once, its value into its slot of a list, ``None`` without
    any) or a propertyParm. (The callers pass the slots as keywords: a ``**fields`` call
    costs about twice as much.)"""
    if tokens[index] == "{" and tokens[index + 2] == "=" and tokens[index + 4] == "}":
        # The usual shape, one item: what the loop below returns for it, in fewer steps.
        name = tokens[index + 1]
        value = tokens[index + 3]
        key = keys.get(_KIND[name])  # type: ignore[arg-type]
        if key is not None:
            found = key[1].get(_KIND[value])  # type: ignore[arg-type]
            if found is not None:
                values: list[Any] = [None, None, None]
                values[key[0]] = found
                return values, (), index + 5
        elif (
            value[:1] in SAFE_CHARS
            and "{" not in value
            and name[:1] in SAFE_CHARS
            and "/" in name
            and "{" not in name
        ):
            return None, (_PropertyParm(name=name, values=(value,)),), index + 5
    if tokens[index] != "{":
        _fail(tokens, index, "'{'")
    index += 1
    slots: list[Any] | None = None  # made for the first keyword item
    properties: list[m.PropertyParm] = []
    while True:
        key = keys.get(_KIND[tokens[index]])  # type: ignore[arg-type]
        if key is not None:
            slot, table, expected = key
            if slots is None:
                slots = [None, None, None]
            elif slots[slot] is not None:
                _twice(tokens, index)
            if tokens[index + 1] != "=":
                _fail(tokens, index + 1, "'='")
            found = table.get(_KIND[tokens[index + 2]])  # type: ignore[arg-type]
            if found is None:
                _fail(tokens, index + 2, expected)
            slots[slot] = found
            index += 3
        else:
            name = tokens[index]
            value = tokens[index + 2]
            if (
                tokens[index + 1] == "="
                and value[:1] in SAFE_CHARS
                and "{" not in value
                and name[:1] in SAFE_CHARS
                and "/" in name
                and "{" not in name
            ):
                # The usual case: pkg/name = value (what _property returns for it).
                properties.append(_PropertyParm(name=name, values=(value,)))
                index += 3
            else:
                prop, index = _property(tokens, index)
                properties.append(prop)
        if tokens[index] != ",":
            return slots, tuple(properties), _closed(tokens, index)
        index += 1


def _statistics(tokens: _Tokens, index: int) -> tuple[tuple[m.StatisticsParameter, ...], int]:
    """statisticsDescriptor = StatsToken [LBRKT statisticsParameter
    *(COMMA statisticsParameter) RBRKT]."""
    return _optional_list(tokens, index, _statistics_parameter)


def _statistics_parameter(tokens: _Tokens, index: int) -> tuple[m.StatisticsParameter, int]:
    """statisticsParameter = pkgdName [EQUAL VALUE / EQUAL LSBRKT VALUE *(COMMA VALUE) RSBRKT]."""
    name = _pkgd_name(tokens, index, "a statistic name (pkg/name)")
    index += 1
    if tokens[index] != "=":
        return _StatisticsParameter(name=name), index
    index += 1
    if tokens[index] != "[":
        return _StatisticsParameter(name=name, values=(_value(tokens, index),)), index + 1
    values = [_value(tokens, index + 1)]
    index += 2
    while tokens[index] == ",":
        values.append(_value(tokens, index + 1))
        index += 2
    return _StatisticsParameter(name=name, values=tuple(values)), _expect(tokens, index, "]")


def _events(tokens: _Tokens, index: int) -> tuple[m.EventsDescriptor, int]:
    """eventsDescriptor = EventsToken [EQUAL RequestID LBRKT requestedEvent
    *(COMMA requestedEvent) RBRKT]."""
    return _events_with(tokens, index, False)


def _events_with(tokens: _Tokens, index: int, second: bool) -> tuple[m.EventsDescriptor, int]:
    """An events descriptor after its keyword; *second*: embedded in a requested event."""
    if tokens[index] != "=":
        return _EventsDescriptor(), index
    request_id = _request_id(tokens, index + 1)
    if tokens[index + 2] != "{":
        _fail(tokens, index + 2, "'{'")
    index += 3
    events: list[m.RequestedEvent] = []
    while True:
        name = tokens[index]
        event = None
        if name[:1] in SAFE_CHARS and "/" in name and "{" not in name:
            # The usual cases, built as _event_with_parameters builds them: an event name
            # without parameters, or with one parameter "{ name = value }" whose name is no
            # keyword and whose value is a SafeChars run. (When tokens[index + 1] is "{",
            # a token of the text, the padding reaches index + 5.)
            if tokens[index + 1] != "{":
                event = _RequestedEvent(name=name)
                index += 1
            elif tokens[index + 3] == "=" and tokens[index + 5] == "}":
                parameter = tokens[index + 2]
                value = tokens[index + 4]
                if (
                    parameter[:1] in SAFE_CHARS
                    and "{" not in parameter
                    and value[:1] in SAFE_CHARS
                    and "{" not in value
                    and _KIND[parameter] is None
                ):
                    parm = _PropertyParm(name=parameter, values=(value,))
                    event = _RequestedEvent(name=name, parameters=(parm,))
                    index += 6
        if event is None:
            event, index = _event_with_parameters(tokens, index, second)
        events.append(event)
        token = tokens[index]
        index += 1
        if token != ",":
            break
    if token != "}":
        _fail(tokens, index - 1, "',' or '}'")
    return _EventsDescriptor(request_id=request_id, events=tuple(events)), index


def _event_with_parameters(
    tokens: _Tokens, index: int, second: bool
) -> tuple[m.RequestedEvent, int]:
    """requestedEvent = pkgdName [LBRKT eventParameter *(COMMA eventParameter) RBRKT]."""
    name = _pkgd_name(tokens, index, "an event name (pkg/name)")
    index += 1
    if tokens[index] != "{":
        return _RequestedEvent(name=name), index
    index += 1
    seen: set[Token] = set()
    stream = None
    embed = None
    digit_map = None
    notify = None
    parameters: list[m.PropertyParm] = []
    while True:
        kw = _KIND[tokens[index]]
        following = tokens[index + 1]
        if kw is None:
            # eventOther = eventParameterName parmValue (the usual item)
            parameter, index = _parameter(tokens, index, "an event parameter")
            parameters.append(parameter)
        elif kw in seen:
            _twice(tokens, index)
        elif kw is T_KEEP_ACTIVE or kw is T_RESET_EVENTS_DESCRIPTOR:
            seen.add(kw)
            index += 1
        elif kw is T_STREAM and following == "=":
            # eventStream = StreamToken EQUAL StreamID
            seen.add(kw)
            stream = _stream_id(tokens, index + 2)
            index += 3
        elif kw is T_EMBED:
            seen.add(kw)
            embed, index = _embed(tokens, index + 1, second=second)
        elif kw is T_DIGIT_MAP:
            seen.add(kw)
            digit_map, index = _digit_map_descriptor(tokens, index + 1)
        elif kw in vocabulary.NOTIFY_BEHAVIOURS:
            # notifyBehaviour = NotifyImmediate / NotifyRegulated / NeverNotify
            if notify is not None:
                _twice(tokens, index)
            if kw is T_NOTIFY_REGULATED and following == "{":
                raise _Fail(index, "RegulatedNotify with an embedded descriptor is not supported")
            notify = vocabulary.NOTIFY_BEHAVIOURS[kw]
            index += 1
        else:
            # eventOther, named like a keyword that has no meaning here
            parameter, index = _parameter(tokens, index, "an event parameter")
            parameters.append(parameter)
        if tokens[index] != ",":
            break
        index += 1
    index = _closed(tokens, index)
    return _RequestedEvent(
        name=name,
        stream=stream,
        keep_active=T_KEEP_ACTIVE in seen,
        embed=embed,
        digit_map=digit_map,
        notify_behaviour=notify,
        reset_events=T_RESET_EVENTS_DESCRIPTOR in seen,
        parameters=tuple(parameters),
    ), index


def _embed(tokens: _Tokens, index: int, *, second: bool) -> tuple[m.EmbedDescriptor, int]:
    """embedWithSig = EmbedToken LBRKT signalsDescriptor [COMMA embedFirst] RBRKT;
    embedNoSig = EmbedToken LBRKT embedFirst RBRKT (a second-level event embeds signals only)."""
    index = _expect(tokens, index, "{")
    signals = None
    events = None
    kw = _KIND[tokens[index]]
    if kw is T_SIGNALS:
        signals, index = _signals(tokens, index + 1)
        if tokens[index] == "," and not second:
            if _KIND[tokens[index + 1]] is not T_EVENTS:
                _fail(tokens, index + 1, "Events")
            events, index = _events_with(tokens, index + 2, True)
    elif kw is T_EVENTS and not second:
        events, index = _events_with(tokens, index + 1, True)
    else:
        _fail(tokens, index, "Signals" if second else "Signals or Events")
    return _EmbedDescriptor(signals=signals, events=events), _expect(tokens, index, "}")


def _digit_map(tokens: _Tokens, index: int) -> tuple[m.DigitMapDescriptor, int]:
    """digitMapDescriptor = DigitMapToken ((EQUAL digitMapName) / (LBRKT digitMapValue RBRKT)
    / (EQUAL digitMapName LBRKT digitMapValue RBRKT)); white space in the value is dropped
    (it is not significant in a digit map)."""
    name = None
    if tokens[index] == "=":
        name = _safe(tokens, index + 1, "a digit map name")
        index += 2
    if tokens[index] != "{":
        return _DigitMapDescriptor(name=name), index
    end = index + 1
    while tokens[end] not in ("}", "{", "") and tokens[end][:1] != '"':
        end += 1
    if tokens[end] != "}" or end == index + 1:
        _fail(tokens, end, "a digit map followed by '}'")
    value = "".join(tokens[index + 1 : end])
    return _DigitMapDescriptor(name=name, value=value), end + 1


def _digit_map_descriptor(tokens: _Tokens, index: int) -> tuple[m.DigitMapDescriptor, int]:
    """A DigitMap descriptor where one is required: a name, a value or both."""
    descriptor, after = _digit_map(tokens, index)
    if descriptor.name is None and descriptor.value is None:
        _fail(tokens, index, "'=' or '{' after DigitMap")
    return descriptor, after


def _signals(tokens: _Tokens, index: int) -> tuple[m.SignalsDescriptor, int]:
    """signalsDescriptor = SignalsToken [LBRKT signalParm *(COMMA signalParm) RBRKT]
    (an empty ``{}`` is read as the bare form, as MGs send it)."""
    if tokens[index] != "{":
        return _SignalsDescriptor(), index
    if tokens[index + 1] == "}":
        return _SignalsDescriptor(), index + 2
    items, index = _list(tokens, index, _signal_parm)
    return _SignalsDescriptor(signals=tuple(items)), index


def _signal_parm(tokens: _Tokens, index: int) -> tuple[m.SignalRequest | m.SignalList, int]:
    """signalParm = signalList / signalRequest."""
    if _KIND[tokens[index]] is T_SIGNAL_LIST and tokens[index + 1] == "=":
        # signalList = SignalListToken EQUAL signalListId LBRKT signalListParm
        #              *(COMMA signalListParm) RBRKT
        list_id = _uint(tokens, index + 2, _UINT16, "a signal list ID")
        signals, index = _list(tokens, index + 3, _signal_request)
        return _SignalList(list_id=list_id, signals=tuple(signals)), index
    return _signal_request(tokens, index)


def _signal_request(tokens: _Tokens, index: int) -> tuple[m.SignalRequest, int]:
    """signalRequest = signalName [LBRKT sigParameter *(COMMA sigParameter) RBRKT]."""
    name = _pkgd_name(tokens, index, "a signal name (pkg/name)")
    index += 1
    if tokens[index] != "{":
        return _SignalRequest(name=name), index
    index += 1
    fields: dict[str, Any] = {}
    parameters: list[m.PropertyParm] = []
    while True:
        kw = _KIND[tokens[index]]
        handler = (
            _SIGNAL_PARAMETERS.get(kw) if kw is not None and tokens[index + 1] == "=" else None
        )
        if handler is not None:
            field, parse = handler
            if field in fields:
                _twice(tokens, index)
            fields[field], index = parse(tokens, index + 2)
        elif kw is T_KEEP_ACTIVE:
            if "keep_active" in fields:
                _twice(tokens, index)
            fields["keep_active"] = True
            index += 1
        else:
            # sigOther = sigParameterName parmValue
            parameter, index = _parameter(tokens, index, "a signal parameter")
            parameters.append(parameter)
        if tokens[index] != ",":
            break
        index += 1
    index = _closed(tokens, index)
    return _SignalRequest(name=name, parameters=tuple(parameters), **fields), index


def _enum_item(
    table: Mapping[Token, _T], expected: str
) -> Callable[[_Tokens, int], tuple[_T, int]]:
    def parse(tokens: _Tokens, index: int) -> tuple[_T, int]:
        return _token_value(tokens, index, table, expected), index + 1

    return parse


def _uint16_item(tokens: _Tokens, index: int) -> tuple[int, int]:
    return _uint(tokens, index, _UINT16, "a number (UINT16)"), index + 1


def _request_id_item(tokens: _Tokens, index: int) -> tuple[m.RequestID, int]:
    return _request_id(tokens, index), index + 1


_notification_reason = _enum_item(
    vocabulary.NOTIFICATION_REASONS, "TimeOut, IntByEvent, IntBySigDescr, OtherReason or Iteration"
)


def _notify_completion(tokens: _Tokens, index: int) -> tuple[tuple[m.NotificationReason, ...], int]:
    """notifyCompletion = NotifyCompletionToken EQUAL (LBRKT notificationReason
    *(COMMA notificationReason) RBRKT)."""
    reasons, index = _list(tokens, index, _notification_reason)
    return tuple(reasons), index


_SIGNAL_PARAMETERS: Final[dict[Token, tuple[str, _Parser]]] = {
    T_STREAM: ("stream", _uint16_item),
    T_SIGNAL_TYPE: (
        "signal_type",
        _enum_item(vocabulary.SIGNAL_TYPES, "OnOff, TimeOut or Brief"),
    ),
    T_DURATION: ("duration", _uint16_item),
    T_NOTIFY_COMPLETION: ("notify_completion", _notify_completion),
    T_DIRECTION: (
        "direction",
        _enum_item(vocabulary.SIGNAL_DIRECTIONS, "External, Internal or Both"),
    ),
    T_REQUEST_ID: ("request_id", _request_id_item),
    T_INTERSIGNAL: ("intersignal_delay", _uint16_item),
}


def _observed_events(tokens: _Tokens, index: int) -> tuple[m.ObservedEventsDescriptor, int]:
    """observedEventsDescriptor = ObservedEventsToken EQUAL RequestID LBRKT observedEvent
    *(COMMA observedEvent) RBRKT."""
    index = _expect(tokens, index, "=")
    request_id = _request_id(tokens, index)
    events, index = _list(tokens, index + 1, _observed_event)
    return _ObservedEventsDescriptor(request_id=request_id, events=tuple(events)), index


def _observed_event(tokens: _Tokens, index: int) -> tuple[m.ObservedEvent, int]:
    """observedEvent = [TimeStamp LWSP COLON] LWSP pkgdName [LBRKT observedEventParameter
    *(COMMA observedEventParameter) RBRKT]."""
    timestamp = None
    if tokens[index + 1] == ":":
        token = tokens[index]
        if TIMESTAMP_RE.match(token) is None:
            _fail(tokens, index, "a time stamp (yyyymmddThhmmsshh)")
        timestamp = token.upper()
        index += 2
    name = _pkgd_name(tokens, index, "an event name (pkg/name)")
    stream, parameters, index = _event_parameters(tokens, index + 1)
    return _ObservedEvent(
        name=name, timestamp=timestamp, stream=stream, parameters=parameters
    ), index


def _event_parameters(
    tokens: _Tokens, index: int
) -> tuple[int | None, tuple[m.PropertyParm, ...], int]:
    """[LBRKT (eventStream / eventOther) *(COMMA ...) RBRKT] of an observed event or spec."""
    if tokens[index] != "{":
        return None, (), index
    index += 1
    stream = None
    parameters: list[m.PropertyParm] = []
    while True:
        if _KIND[tokens[index]] is T_STREAM and tokens[index + 1] == "=":
            if stream is not None:
                _twice(tokens, index)
            stream = _stream_id(tokens, index + 2)
            index += 3
        else:
            parameter, index = _parameter(tokens, index, "an event parameter")
            parameters.append(parameter)
        if tokens[index] != ",":
            break
        index += 1
    index = _closed(tokens, index)
    return stream, tuple(parameters), index


def _event_buffer(tokens: _Tokens, index: int) -> tuple[tuple[m.EventSpec, ...], int]:
    """eventBufferDescriptor = EventBufferToken [LBRKT eventSpec *(COMMA eventSpec) RBRKT]."""
    return _optional_list(tokens, index, _event_spec)


def _event_spec(tokens: _Tokens, index: int) -> tuple[m.EventSpec, int]:
    name = _pkgd_name(tokens, index, "an event name (pkg/name)")
    stream, parameters, index = _event_parameters(tokens, index + 1)
    return _EventSpec(name=name, stream=stream, parameters=parameters), index


def _audit(tokens: _Tokens, index: int) -> tuple[m.AuditDescriptor, int]:
    """auditDescriptor = AuditToken LBRKT [auditItem *(COMMA auditItem)] RBRKT."""
    index = _expect(tokens, index, "{")
    if tokens[index] == "}":
        return _AuditDescriptor(), index + 1
    items: list[m.AuditItem] = []
    more = True
    while more:
        item = _token_value(
            tokens, index, vocabulary.AUDIT_ITEMS, "an audit item (Media, Events, Statistics, ...)"
        )
        if tokens[index + 1] not in (",", "}"):
            raise _Fail(index + 1, "individual audit descriptors (indAud...) are not supported")
        if item in items:
            _twice(tokens, index)
        items.append(item)
        more, index = _separator(tokens, index + 1)
    return _AuditDescriptor(items=tuple(items)), index


def _packages(tokens: _Tokens, index: int) -> tuple[tuple[m.PackageItem, ...], int]:
    """packagesDescriptor = PackagesToken LBRKT packagesItem *(COMMA packagesItem) RBRKT;
    packagesItem = NAME "-" UINT16."""
    items, index = _list(tokens, index, _package_item)
    return tuple(items), index


def _package_item(tokens: _Tokens, index: int) -> tuple[m.PackageItem, int]:
    token = tokens[index]
    name, dash, version = token.rpartition("-")
    if dash and name and "{" not in name and version.isdigit() and len(version) <= 5:
        number = int(version)
        if number <= _UINT16:
            return _PackageItem(name=name, version=number), index + 1
    _fail(tokens, index, "a package item 'name-version'")


def _mux(tokens: _Tokens, index: int) -> tuple[m.MuxDescriptor, int]:
    """muxDescriptor = MuxToken EQUAL MuxType terminationIDList."""
    index = _expect(tokens, index, "=")
    mux_type = _safe(tokens, index, "a mux type")
    terminations, index = _list(tokens, index + 1, _termination)
    return _MuxDescriptor(mux_type=mux_type, terminations=tuple(terminations)), index


# Descriptor keyword → (slot, parser); the slots are the keyword arguments of the call
# that builds the command (_command) or the termination audit (_termination_audit).
_AMM_PARAMETERS: Final[dict[Token, tuple[int, _Parser]]] = {
    T_MEDIA: (0, _media),
    T_EVENTS: (1, _events),
    T_SIGNALS: (2, _signals),
    T_EVENT_BUFFER: (3, _event_buffer),
    T_DIGIT_MAP: (4, _digit_map_descriptor),
    T_AUDIT: (5, _audit),
    T_STATISTICS: (6, _statistics),
    T_MUX: (7, _mux),
}
_AUDIT_RETURN_PARAMETERS: Final[dict[Token, tuple[int, _Parser]]] = {
    T_MEDIA: (0, _media),
    T_EVENTS: (1, _events),
    T_SIGNALS: (2, _signals),
    T_EVENT_BUFFER: (3, _event_buffer),
    T_DIGIT_MAP: (4, _digit_map_descriptor),
    T_STATISTICS: (5, _statistics),
    T_MUX: (6, _mux),
    T_OBSERVED_EVENTS: (7, _observed_events),
    T_PACKAGES: (8, _packages),
    T_ERROR: (9, _error),
}


# -- ServiceChange ------------------------------------------------------------------------


def _service_change_parms(tokens: _Tokens, index: int) -> tuple[m.ServiceChangeParms, int]:
    """serviceChangeDescriptor = ServicesToken LBRKT serviceChangeParm
    *(COMMA serviceChangeParm) RBRKT (the Method is required)."""
    start = _expect(tokens, index, "{")
    index = start
    fields: dict[str, Any] = {}
    extensions: list[m.PropertyParm] = []
    audit: list[m.AuditItem] = []
    while True:
        kw = _KIND[tokens[index]]
        if kw is T_METHOD:
            _once_field(fields, "method", tokens, index)
            index = _expect(tokens, index + 1, "=")
            fields["method"] = _method(tokens, index)
            index += 1
        elif kw is T_REASON:
            # serviceChangeReason = ReasonToken EQUAL VALUE
            _once_field(fields, "reason", tokens, index)
            index = _expect(tokens, index + 1, "=")
            fields["reason"] = _value(tokens, index)
            index += 1
        elif kw is T_DELAY:
            _once_field(fields, "delay", tokens, index)
            index = _expect(tokens, index + 1, "=")
            fields["delay"] = _uint(tokens, index, _UINT32, "a delay")
            index += 1
        elif kw is T_SERVICE_CHANGE_INCOMPLETE:
            _once_field(fields, "incomplete", tokens, index)
            fields["incomplete"] = True
            index += 1
        elif kw is not None and kw in vocabulary.AUDIT_ITEMS and tokens[index + 1] in (",", "}"):
            item = vocabulary.AUDIT_ITEMS[kw]
            if item in audit:
                _twice(tokens, index)
            audit.append(item)
            index += 1
        else:
            after = _service_change_common(tokens, index, kw, fields)
            if after >= 0:
                index = after
            elif tokens[index][:2].lower() in ("x-", "x+"):
                # extension = extensionParameter parmValue
                extension, index = _parameter(tokens, index, "an extension parameter")
                extensions.append(extension)
            else:
                _fail(tokens, index, "a ServiceChange parameter (Method, Reason, Delay, ...)")
        if tokens[index] != ",":
            break
        index += 1
    index = _closed(tokens, index)
    if "method" not in fields:
        raise _Fail(start, "a ServiceChange descriptor needs a Method")
    return _ServiceChangeParms(extensions=tuple(extensions), audit=tuple(audit), **fields), index


def _service_change_result(tokens: _Tokens, index: int) -> tuple[m.ServiceChangeResult, int]:
    """serviceChangeReplyDescriptor = ServicesToken LBRKT servChgReplyParm
    *(COMMA servChgReplyParm) RBRKT."""
    index = _expect(tokens, index, "{")
    fields: dict[str, Any] = {}
    while True:
        index = _service_change_common(tokens, index, _KIND[tokens[index]], fields)
        if index < 0:
            raise _Fail(
                ~index,
                "expected ServiceChangeAddress, MgcIdToTry, Profile, Version or a time stamp",
            )
        if tokens[index] != ",":
            break
        index += 1
    index = _closed(tokens, index)
    return _ServiceChangeResult(**fields), index


def _service_change_common(
    tokens: _Tokens, index: int, kw: Token | None, fields: dict[str, Any]
) -> int:
    """Address, MgcIdToTry, Profile, Version and time stamp (requests and replies).

    Returns the index after the item, or ``~index`` (negative) when there is none here.
    """
    if kw is T_SERVICE_CHANGE_ADDRESS:
        # serviceChangeAddress = ServiceChangeAddressToken EQUAL (mId / portNumber)
        _once_field(fields, "address", tokens, index)
        index = _expect(tokens, index + 1, "=")
        if tokens[index].isdigit() and tokens[index + 1] in (",", "}"):
            fields["address"] = _uint(tokens, index, _UINT16, "a port number")
            return index + 1
        fields["address"], index = _mid(tokens, index)
        return index
    if kw is T_MGC_ID_TO_TRY:
        _once_field(fields, "mgc_id", tokens, index)
        index = _expect(tokens, index + 1, "=")
        fields["mgc_id"], index = _mid(tokens, index)
        return index
    if kw is T_PROFILE:
        # serviceChangeProfile = ProfileToken EQUAL NAME SLASH Version
        _once_field(fields, "profile", tokens, index)
        index = _expect(tokens, index + 1, "=")
        fields["profile"] = _safe(tokens, index, "a profile name/version")
        return index + 1
    if kw is T_VERSION:
        # serviceChangeVersion = VersionToken EQUAL Version
        _once_field(fields, "version", tokens, index)
        index = _expect(tokens, index + 1, "=")
        token = tokens[index]
        if not (token.isdigit() and len(token) <= 2):
            _fail(tokens, index, "a version (1 or 2 digits)")
        fields["version"] = int(token)
        return index + 1
    token = tokens[index]
    if TIMESTAMP_RE.match(token) is not None:
        _once_field(fields, "timestamp", tokens, index)
        fields["timestamp"] = token.upper()
        return index + 1
    return ~index


def _once_field(fields: dict[str, Any], field: str, tokens: _Tokens, index: int) -> None:
    if field in fields:
        _twice(tokens, index)


def _method(tokens: _Tokens, index: int) -> m.ServiceChangeMethod | str:
    """serviceChangeMethod = MethodToken EQUAL (FailoverToken / ForcedToken / GracefulToken /
    RestartToken / DisconnectedToken / HandOffToken / extensionParameter)."""
    token = tokens[index]
    kw = _KIND[token]
    method = vocabulary.SERVICE_CHANGE_METHODS.get(kw) if kw is not None else None
    if method is not None:
        return method
    if token[:2].lower() in ("x-", "x+"):
        return _safe(tokens, index, "a ServiceChange method")
    _fail(tokens, index, "a ServiceChange method (Restart, Graceful, Forced, ...)")
