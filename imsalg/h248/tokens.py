"""The H.248.1 Annex B token table: every keyword in its long (pretty) and short (compact) form.

H.248.1 Annex B.2 spells each keyword twice, e.g. ``AddToken = ("Add" / "A")``. The table
below is the complete v3 set, checked against the token definitions of Erlang/OTP's
``megaco_text_tokens.hrl`` (an independent implementation of the same ABNF). Tokens are
case-insensitive on input (Annex B.2: "The protocol is not case sensitive"), so
:data:`KEYWORDS` maps the lower-case spelling of both forms to the token.

Three v3 tokens carry an ``SPA`` prefix on purpose: H.248.1 v3 renamed
``Direction``/``RequestID``/``IntersignalDelay`` signal parameters to ``SPADirection``/
``SPARequestID``/``Intersignal`` so that they cannot clash with package parameter names;
plain ``Direction=`` or ``RequestID=`` are therefore ordinary (package) parameters.

Nothing here knows the grammar: which token is legal where is the decoder's business.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Final

__all__ = [
    "EVENT_PARAMETER_TOKENS",
    "KEYWORDS",
    "OBSERVED_EVENT_PARAMETER_TOKENS",
    "SIGNAL_PARAMETER_TOKENS",
    "Token",
    "spellings",
]


class Token(enum.Enum):
    """One Annex B keyword; the value is ``(long form, short form)``."""

    ADD = ("Add", "A")
    # Spelled as in megaco_text_tokens.hrl; the ITU text was not at hand to compare.
    AND_AUDIT_SELECT = ("ANSLgc", "ANSLgc")
    AUDIT = ("Audit", "AT")
    AUDIT_CAPABILITY = ("AuditCapability", "AC")
    AUDIT_VALUE = ("AuditValue", "AV")
    AUTHENTICATION = ("Authentication", "AU")
    BOTH = ("Both", "B")
    BOTHWAY = ("Bothway", "BW")
    BRIEF = ("Brief", "BR")
    BUFFER = ("Buffer", "BF")
    CONTEXT = ("Context", "C")
    CONTEXT_AUDIT = ("ContextAudit", "CA")
    CONTEXT_ATTR = ("ContextAttr", "CT")
    CONTEXT_LIST = ("ContextList", "CLT")
    DIGIT_MAP = ("DigitMap", "DM")
    DIRECTION = ("SPADirection", "SPADI")
    DISCARD = ("Discard", "DS")
    DISCONNECTED = ("Disconnected", "DC")
    DELAY = ("Delay", "DL")
    DURATION = ("Duration", "DR")
    EMBED = ("Embed", "EM")
    EMERGENCY = ("Emergency", "EG")
    EMERGENCY_OFF = ("EmergencyOff", "EGO")
    EMERGENCY_VALUE = ("EmergencyValue", "EGV")
    ERROR = ("Error", "ER")
    EVENT_BUFFER = ("EventBuffer", "EB")
    EVENTS = ("Events", "E")
    EXTERNAL = ("External", "EX")
    FAILOVER = ("Failover", "FL")
    FORCED = ("Forced", "FO")
    GRACEFUL = ("Graceful", "GR")
    H221 = ("H221", "H221")
    H223 = ("H223", "H223")
    H226 = ("H226", "H226")
    HAND_OFF = ("HandOff", "HO")
    IEPS_CALL = ("IEPSCall", "IEPS")
    IMM_ACK_REQUIRED = ("ImmAckRequired", "IA")
    INACTIVE = ("Inactive", "IN")
    INTERNAL = ("Internal", "IT")
    INTERSIGNAL = ("Intersignal", "SPAIS")
    INTERRUPT_BY_EVENT = ("IntByEvent", "IBE")
    INTERRUPT_BY_NEW_SIGNALS = ("IntBySigDescr", "IBS")
    ISOLATE = ("Isolate", "IS")
    IN_SERVICE = ("InService", "IV")
    ITERATION = ("Iteration", "IR")
    KEEP_ACTIVE = ("KeepActive", "KA")
    LOCAL = ("Local", "L")
    LOCAL_CONTROL = ("LocalControl", "O")
    LOCKSTEP = ("LockStep", "SP")
    LOOPBACK = ("Loopback", "LB")
    MEDIA = ("Media", "M")
    MEGACO = ("MEGACO", "!")
    MESSAGE_SEGMENT = ("Segment", "SM")
    METHOD = ("Method", "MT")
    MGC_ID_TO_TRY = ("MgcIdToTry", "MG")
    MODE = ("Mode", "MO")
    MODIFY = ("Modify", "MF")
    MODEM = ("Modem", "MD")
    MOVE = ("Move", "MV")
    MTP = ("MTP", "MTP")
    MUX = ("Mux", "MX")
    NEVER_NOTIFY = ("NeverNotify", "NBNN")
    NOTIFY = ("Notify", "N")
    NOTIFY_COMPLETION = ("NotifyCompletion", "NC")
    NOTIFY_IMMEDIATE = ("ImmediateNotify", "NBIN")
    NOTIFY_REGULATED = ("RegulatedNotify", "NBRN")
    NX64K = ("Nx64Kservice", "N64")
    OBSERVED_EVENTS = ("ObservedEvents", "OE")
    OFF = ("OFF", "OFF")
    ONEWAY = ("Oneway", "OW")
    ONEWAY_BOTH = ("OnewayBoth", "OWB")
    ONEWAY_EXTERNAL = ("OnewayExternal", "OWE")
    ON_OFF = ("OnOff", "OO")
    OR_AUDIT_SELECT = ("ORLgc", "ORLgc")
    ON = ("ON", "ON")
    OTHER_REASON = ("OtherReason", "OR")
    OUT_OF_SERVICE = ("OutOfService", "OS")
    PACKAGES = ("Packages", "PG")
    PENDING = ("Pending", "PN")
    PRIORITY = ("Priority", "PR")
    PROFILE = ("Profile", "PF")
    REASON = ("Reason", "RE")
    RECVONLY = ("ReceiveOnly", "RC")
    REPLY = ("Reply", "P")
    RESET_EVENTS_DESCRIPTOR = ("ResetEventsDescriptor", "RSE")
    RESTART = ("Restart", "RS")
    REMOTE = ("Remote", "R")
    REQUEST_ID = ("SPARequestID", "SPARQ")
    RESERVED_GROUP = ("ReservedGroup", "RG")
    RESERVED_VALUE = ("ReservedValue", "RV")
    SEGMENTATION_COMPLETE = ("END", "&")
    SENDONLY = ("SendOnly", "SO")
    SENDRECV = ("SendReceive", "SR")
    SERVICES = ("Services", "SV")
    SERVICE_STATES = ("ServiceStates", "SI")
    SERVICE_CHANGE = ("ServiceChange", "SC")
    SERVICE_CHANGE_ADDRESS = ("ServiceChangeAddress", "AD")
    SERVICE_CHANGE_INCOMPLETE = ("ServiceChangeInc", "SIC")
    SIGNAL_LIST = ("SignalList", "SL")
    SIGNALS = ("Signals", "SG")
    SIGNAL_TYPE = ("SignalType", "SY")
    STATISTICS = ("Statistics", "SA")
    STREAM = ("Stream", "ST")
    SUBTRACT = ("Subtract", "S")
    SYNCH_ISDN = ("SynchISDN", "SN")
    TERMINATION_STATE = ("TerminationState", "TS")
    TEST = ("Test", "TE")
    TIMEOUT = ("TimeOut", "TO")
    TOPOLOGY = ("Topology", "TP")
    TRANSACTION = ("Transaction", "T")
    RESPONSE_ACK = ("TransactionResponseAck", "K")
    V18 = ("V18", "V18")
    V22 = ("V22", "V22")
    V22BIS = ("V22b", "V22b")
    V32 = ("V32", "V32")
    V32BIS = ("V32b", "V32b")
    V34 = ("V34", "V34")
    V76 = ("V76", "V76")
    V90 = ("V90", "V90")
    V91 = ("V91", "V91")
    VERSION = ("Version", "V")

    # Members are singletons compared by identity: hash them by identity too, in C, instead
    # of Enum's Python-level __hash__ (the codec looks tokens up in sets and dicts a lot).
    __hash__ = object.__hash__

    @property
    def long(self) -> str:
        """The pretty spelling (``"Add"``)."""
        return self.value[0]

    @property
    def short(self) -> str:
        """The compact spelling (``"A"``)."""
        return self.value[1]


def _keywords() -> dict[str, Token]:
    table: dict[str, Token] = {}
    for token in Token:
        for spelling in token.value:
            key = spelling.lower()
            other = table.setdefault(key, token)
            if other is not token:
                raise RuntimeError(f"{spelling!r} spells both {other.name} and {token.name}")
    return table


#: Lower-case long and short spellings → token (Annex B.2: keywords are case-insensitive).
KEYWORDS: Final[dict[str, Token]] = _keywords()


def spellings(tokens: Iterable[Token]) -> frozenset[str]:
    """The lower-case long and short spellings of *tokens*."""
    return frozenset(spelling.lower() for token in tokens for spelling in token.value)


#: Where an event parameter name may stand (Annex B.2 eventParameter), these tokens are
#: read as keywords: a package parameter cannot be named like them.
EVENT_PARAMETER_TOKENS: Final = frozenset(
    {
        Token.KEEP_ACTIVE,
        Token.RESET_EVENTS_DESCRIPTOR,
        Token.STREAM,
        Token.EMBED,
        Token.DIGIT_MAP,
        Token.NOTIFY_IMMEDIATE,
        Token.NEVER_NOTIFY,
        Token.NOTIFY_REGULATED,
    }
)
#: The same for signal parameters (Annex B.2 sigParameter).
SIGNAL_PARAMETER_TOKENS: Final = frozenset(
    {
        Token.STREAM,
        Token.SIGNAL_TYPE,
        Token.DURATION,
        Token.NOTIFY_COMPLETION,
        Token.KEEP_ACTIVE,
        Token.DIRECTION,
        Token.REQUEST_ID,
        Token.INTERSIGNAL,
    }
)
#: The same for the parameters of an observed event (Annex B.2 observedEventParameter).
OBSERVED_EVENT_PARAMETER_TOKENS: Final = frozenset({Token.STREAM})
