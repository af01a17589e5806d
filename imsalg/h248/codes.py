"""H.248 error codes (ITU-T H.248.8, IANA "Megaco/H.248 error codes") with their standard texts.

:class:`ErrorCode` is an ``IntEnum`` that keeps codes it does not list: ``ErrorCode(478)``
returns a pseudo-member named ``CODE_478`` instead of raising, so a reply from a newer peer
never fails to decode (the pattern of dnspython's ``dns.enum``). The texts are those of
H.248.8 as registered at IANA; they were checked against Wireshark's ``h248_reasons``
table, which cites the same registry. Codes 516 and 539 are not registered there and are
therefore not listed (they decode as pseudo-members like any other unknown code).
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["ERROR_TEXTS", "ErrorCode"]


class ErrorCode(enum.IntEnum):
    """An H.248 error code; unknown values become pseudo-members (``CODE_<n>``)."""

    SYNTAX_ERROR_IN_MESSAGE = 400
    PROTOCOL_ERROR = 401
    UNAUTHORIZED = 402
    SYNTAX_ERROR_IN_TRANSACTION_REQUEST = 403
    VERSION_NOT_SUPPORTED = 406
    INCORRECT_IDENTIFIER = 410
    UNKNOWN_CONTEXT_ID = 411
    NO_CONTEXT_IDS_AVAILABLE = 412
    UNKNOWN_ACTION = 421
    SYNTAX_ERROR_IN_ACTION = 422
    UNKNOWN_TERMINATION_ID = 430
    NO_TERMINATION_ID_MATCHED_WILDCARD = 431
    OUT_OF_TERMINATION_IDS = 432
    TERMINATION_ID_ALREADY_IN_CONTEXT = 433
    MAX_TERMINATIONS_IN_CONTEXT_EXCEEDED = 434
    TERMINATION_ID_NOT_IN_CONTEXT = 435
    UNSUPPORTED_PACKAGE = 440
    MISSING_REMOTE_OR_LOCAL_DESCRIPTOR = 441
    SYNTAX_ERROR_IN_COMMAND = 442
    UNSUPPORTED_COMMAND = 443
    UNSUPPORTED_DESCRIPTOR = 444
    UNSUPPORTED_PROPERTY = 445
    UNSUPPORTED_PARAMETER = 446
    DESCRIPTOR_NOT_LEGAL_IN_COMMAND = 447
    DESCRIPTOR_APPEARS_TWICE = 448
    UNSUPPORTED_VALUE = 449
    NO_SUCH_PROPERTY_IN_PACKAGE = 450
    NO_SUCH_EVENT_IN_PACKAGE = 451
    NO_SUCH_SIGNAL_IN_PACKAGE = 452
    NO_SUCH_STATISTIC_IN_PACKAGE = 453
    NO_SUCH_PARAMETER_VALUE_IN_PACKAGE = 454
    PROPERTY_ILLEGAL_IN_DESCRIPTOR = 455
    PROPERTY_APPEARS_TWICE = 456
    MISSING_PARAMETER = 457
    UNEXPECTED_REQUEST_ID = 458
    UNSUPPORTED_PROFILE = 459
    UNABLE_TO_SET_STATISTIC = 460
    UNSUPPORTED_PROFILE_H248_18 = 461
    IMPLIED_ADD_FOR_MULTIPLEX_FAILURE = 471
    REQUIRED_INFORMATION_MISSING = 472
    CONFLICTING_PROPERTY_VALUES = 473
    INVALID_SDP_SYNTAX = 474
    INTERNAL_SOFTWARE_FAILURE = 500
    NOT_IMPLEMENTED = 501
    NOT_READY = 502
    SERVICE_UNAVAILABLE = 503
    UNAUTHORIZED_ENTITY = 504
    REQUEST_BEFORE_SERVICE_CHANGE_REPLY = 505
    TOO_MANY_TRANSACTION_PENDINGS = 506
    INSUFFICIENT_RESOURCES = 510
    TEMPORARILY_BUSY = 511
    UNEQUIPPED_TO_DETECT_EVENT = 512
    UNEQUIPPED_TO_GENERATE_SIGNALS = 513
    CANNOT_SEND_ANNOUNCEMENT = 514
    UNSUPPORTED_MEDIA_TYPE = 515
    UNSUPPORTED_MODE = 517
    EVENT_BUFFER_FULL = 518
    OUT_OF_SPACE_FOR_DIGIT_MAP = 519
    DIGIT_MAP_UNDEFINED = 520
    TERMINATION_SERVICE_CHANGING = 521
    TOPOLOGY_FUNCTIONALITY_NOT_SUPPORTED = 522
    INSUFFICIENT_BANDWIDTH = 526
    INTERNAL_HARDWARE_FAILURE = 529
    TEMPORARY_NETWORK_FAILURE = 530
    PERMANENT_NETWORK_FAILURE = 531
    AUDITED_ITEM_DOES_NOT_EXIST = 532
    RESPONSE_EXCEEDS_MAXIMUM_PDU_SIZE = 533
    ILLEGAL_WRITE_OR_READ_ONLY_PROPERTY = 534
    UNEXPECTED_INITIAL_HOOK_STATE = 540
    UNEXPECTED_SPARE_BIT_STATE = 541
    COMMAND_NOT_ALLOWED_ON_TERMINATION = 542
    TIMESTAMP_NOT_SUPPORTED = 543
    DOES_NOT_EXIST = 581

    @classmethod
    def _missing_(cls, value: object) -> ErrorCode | None:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 9999:
            return None
        # A pseudo-member (dnspython dns.enum style): equal to the int, named CODE_<n>.
        member = int.__new__(cls, value)
        member._name_ = f"CODE_{value}"
        member._value_ = value
        return member

    @property
    def text(self) -> str:
        """The standard text of the code, or ``"Error <n>"`` for an unlisted one."""
        return ERROR_TEXTS.get(int(self), f"Error {int(self)}")

    @property
    def known(self) -> bool:
        """Whether the code is one of the registered codes listed here."""
        return int(self) in ERROR_TEXTS


#: H.248.8 texts, by code.
ERROR_TEXTS: Final[dict[int, str]] = {
    400: "Syntax error in message",
    401: "Protocol Error",
    402: "Unauthorized",
    403: "Syntax error in transaction request",
    406: "Version Not Supported",
    410: "Incorrect identifier",
    411: "The transaction refers to an unknown ContextId",
    412: "No ContextIDs available",
    421: "Unknown action or illegal combination of actions",
    422: "Syntax Error in Action",
    430: "Unknown TerminationID",
    431: "No TerminationID matched a wildcard",
    432: "Out of TerminationIDs or No TerminationID available",
    433: "TerminationID is already in a Context",
    434: "Max number of Terminations in a Context exceeded",
    435: "Termination ID is not in specified Context",
    440: "Unsupported or unknown Package",
    441: "Missing Remote or Local Descriptor",
    442: "Syntax Error in Command",
    443: "Unsupported or Unknown Command",
    444: "Unsupported or Unknown Descriptor",
    445: "Unsupported or Unknown Property",
    446: "Unsupported or Unknown Parameter",
    447: "Descriptor not legal in this command",
    448: "Descriptor appears twice in a command",
    449: "Unsupported or Unknown Parameter or Property Value",
    450: "No such property in this package",
    451: "No such event in this package",
    452: "No such signal in this package",
    453: "No such statistic in this package",
    454: "No such parameter value in this package",
    455: "Property illegal in this Descriptor",
    456: "Property appears twice in this Descriptor",
    457: "Missing parameter in signal or event",
    458: "Unexpected Event/Request ID",
    459: "Unsupported or Unknown Profile",
    460: "Unable to set statistic on stream",
    461: "Unsupported or Unknown Profile",
    471: "Implied Add for Multiplex failure",
    472: "Required Information Missing",
    473: "Conflicting Property Values",
    474: "Invalid SDP Syntax",
    500: "Internal software Failure in MG",
    501: "Not Implemented",
    502: "Not ready",
    503: "Service Unavailable",
    504: "Command Received from unauthorized entity",
    505: "Transaction Request Received before a Service Change Reply has been received",
    506: "Number of Transaction Pendings Exceeded",
    510: "Insufficient resources",
    511: "Temporarily Busy",
    512: "Media Gateway unequipped to detect requested Event",
    513: "Media Gateway unequipped to generate requested Signals",
    514: "Media Gateway cannot send the specified announcement",
    515: "Unsupported Media Type",
    517: "Unsupported or invalid mode",
    518: "Event buffer full",
    519: "Out of space to store digit map",
    520: "Digit Map undefined in the MG",
    521: "Termination is ServiceChanging",
    522: "Functionality Requested in Topology Triple Not Supported",
    526: "Insufficient bandwidth",
    529: "Internal hardware failure in MG",
    530: "Temporary Network failure",
    531: "Permanent Network failure",
    532: "Audited Property, Statistic, Event or Signal does not exist",
    533: "Response exceeds maximum transport PDU size",
    534: "Illegal write or read only property",
    540: "Unexpected initial hook state",
    541: "Unexpected Spare Bit State",
    542: "Command is not allowed on this termination",
    543: "MGC requested event detection timestamp not supported",
    581: "Does Not Exist",
}
