"""The words WhatsApp itself writes into exports, per language, as data.

WhatsApp localises its own lines (system events, media placeholders, the deleted and edited
markers, the AM/PM marker). Keeping them here as tables, not as code, means a new language is a
few lines of data. Patterns use the syntax both RE2 (pyarrow, the fast whole-column pass) and the
``regex`` module understand: no look-arounds, no back-references, ``\\x{...}`` escapes.
"""

from __future__ import annotations

import re


def literal(pattern: str) -> str:
    """Write ``\\x{hhhh}`` escapes as the characters themselves.

    RE2 (pyarrow) knows ``\\x{hhhh}`` but not ``\\uhhhh``; the ``regex`` module the other way
    round. A literal character means the same to both.
    """
    return re.sub(r"\\x\{([0-9a-fA-F]+)\}", lambda m: chr(int(m[1], 16)), pattern)


#: Invisible marks WhatsApp (mostly iOS) writes around names and placeholders; removed from text.
INVISIBLE_MARKS = literal(r"[\x{200e}\x{200f}\x{feff}\x{202a}-\x{202e}\x{2066}-\x{2069}]")

#: Markers after a 12-hour time. Keys are the marker lower-cased with dots and spaces removed.
AM_MARKERS = frozenset({"am", "a", "vorm", "πμ", "de", "fm", "sa"})
PM_MARKERS = frozenset({"pm", "p", "nachm", "μμ", "du", "em", "ch"})
#: The marker as it may appear in a header (any spacing, dots, NBSP or U+202F between letters).
MARKER_PATTERN = literal(
    r"[AaPp]\.?[ \x{a0}\x{202f}]?[Mm]\.?|vorm\.|nachm\.|π\.[ \x{a0}]?μ\.|μ\.[ \x{a0}]?μ\."
)

#: Whole-message system events. Matched against everything after the header (Android) or after
#: the group name (iOS), invisible marks removed. A line matching one of these that sits in the
#: author slot of a group name is WhatsApp's, not a person's.
SYSTEM_EVENTS: tuple[str, ...] = (
    # English
    r"^Messages (?:and calls |you send to this (?:group|chat) |to this (?:group|chat) )?"
    r"are (?:now )?(?:secured with |protected with )?end-to-end encrypted",
    r"^Messages to this (?:group|chat) are now secured with end-to-end encryption",
    r"^Messages and calls are end-to-end encrypted",
    r"^.+ created (?:the )?group ",
    r"^.+ created this group$",
    r"^.+ added .+$",
    r"^.+ removed .+$",
    r"^.+ left$",
    r"^You were (?:added|removed)",
    r"^.+ (?:changed|deleted) (?:the subject|the group name|this group's icon|"
    r"the group description|the group's icon|this group's settings|the group settings)",
    r"^.+ changed (?:the subject|the group name) (?:from .* )?to ",
    r"^.+ changed this group's settings to allow",
    r"^.+ joined using this group's invite link$",
    r"^.+ joined using a group link",
    r"^.+ joined from the community$",
    r"^Your security code with .+ changed",
    r"^.+ changed their phone number to a new number",
    r"^.+ changed to \+?[\d ()-]{6,}$",
    r"^You're now an admin$",
    r"^You are now an admin$",
    r"^You're no longer an admin$",
    r"^.+ is now an admin$",
    r"^This group has over \d+ members",
    r"^.+ pinned a message$",
    r"^Disappearing messages (?:were|are) turned (?:on|off)",
    r"^.+ turned (?:on|off) disappearing messages",
    r"^.+ (?:started|ended) a (?:voice|video) call$",
    r"^Waiting for this message",
    r"^This chat is with a business account",
    # German
    r"^Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt",
    r"^Nachrichten, die du in dieser Gruppe sendest, sind jetzt mit Ende-zu-Ende",
    r"^.+ hat die Gruppe .+ erstellt",
    r"^Du hast die Gruppe .+ erstellt",
    r"^.+ hat .+ hinzugefügt\.?$",
    r"^Du hast .+ hinzugefügt\.?$",
    r"^.+ hat .+ entfernt\.?$",
    r"^Du hast .+ entfernt\.?$",
    r"^.+ hat die Gruppe verlassen\.?$",
    r"^Du hast die Gruppe verlassen\.?$",
    r"^.+ (?:hat|hast) (?:den Betreff|den Gruppennamen|das Gruppenbild|"
    r"die Gruppenbeschreibung)",
    r"^Du hast (?:den Betreff|den Gruppennamen|das Gruppenbild|die Gruppenbeschreibung)",
    r"^.+ ist dieser Gruppe über den Einladungslink beigetreten",
    r"^Deine Sicherheitsnummer für .+ hat sich geändert",
    r"^Du bist jetzt Admin",
    # Spanish
    r"^Los mensajes y las llamadas están cifrados de extremo a extremo",
    r"^.+ creó el grupo ",
    r"^.+ añadió a .+$",
    r"^.+ salió del grupo$",
    r"^.+ eliminó a .+$",
    r"^.+ cambió (?:el asunto|el nombre|la imagen|la descripción)",
    r"^.+ se unió usando el enlace de invitación",
)

#: Events no parent types as a whole message: seen in a name's slot, they mark that name as the
#: group's own (the encryption notice in `Pokemon Chat: Messages and calls are …`).
UNTYPABLE_EVENTS: tuple[str, ...] = (
    SYSTEM_EVENTS[0],
    SYSTEM_EVENTS[1],
    SYSTEM_EVENTS[2],
    r"^Your security code with .+ changed\. Tap",
    r"^.+ joined using this group's invite link$",
    r"^.+ changed this group's icon$",
    r"^Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt",
    r"^Los mensajes y las llamadas están cifrados de extremo a extremo",
)

#: Phrases that put an Android colon inside a system sentence (`X changed the subject from "a: b"`)
#: rather than after an author's name. Matched against the text before the first ": ".
SYSTEM_PREFIXES: tuple[str, ...] = (
    r" added ",
    r" removed ",
    r" changed the subject from ",
    r" changed the group name from ",
    r" changed the subject to ",
    r" changed the group name to ",
    r" created group ",
    r" created the group ",
    r" hat den Betreff ",
    r" hat die Gruppe ",
    r"^Du hast ",
    r" creó el grupo ",
    r" cambió el asunto ",
)

#: Placeholders for a media message whose file was not exported.
MEDIA_OMITTED: tuple[str, ...] = (
    r"^(?i:<Media omitted>)$",
    r"^<Medien ausgeschlossen>$",
    r"^<Multimedia omitido>$",
    r"^<Médias omis>$",
    r"^<Media weggelaten>$",
    r"^(?:image|video|audio|sticker|GIF|document|Contact card) omitted$",
    r"^(?:Bild|Video|Audio|Sticker|GIF|Dokument|Kontaktkarte) weggelassen$",
    r"^(?:imagen|video|audio|sticker|GIF|documento) omitid[oa]$",
    r"^.+ • \d+ (?:pages?|Seiten?|páginas?) document omitted$",
    r"^document omitted$",
)

#: Attachments that were exported with the chat; the named group `file` is the file's name.
ATTACHMENT_PATTERNS: tuple[str, ...] = (
    r"^<\s?(?:attached|Anhang|adjunto|pièce jointe|allegato|bijlage|anexo):\s?"
    r"(?P<file>[^<>\n]+?)\s?>",
    r"^(?P<file>[^\n<>]+?\.[A-Za-z0-9]{1,5}) \((?:file attached|Datei angehängt|archivo adjunto|"
    r"fichier joint|file allegato|bestand bijgevoegd|arquivo anexado)\)",
    r"^(?P<file>[^\n<>]+?\.[A-Za-z0-9]{1,5}) <\s?(?:attached|angehängt)>",
)

#: Contact cards (a file ending .vcf, or the placeholder when omitted).
CONTACT_FILE_SUFFIX = ".vcf"
CONTACT_OMITTED = r"^(?:Contact card omitted|Kontaktkarte weggelassen)$"

#: A message that was deleted, by its author or by an admin.
DELETED_MESSAGES: tuple[str, ...] = (
    r"^This message was deleted\.?$",
    r"^You deleted this message\.?$",
    r"^This message was deleted by (?:an )?admin.*$",
    r"^Diese Nachricht wurde gelöscht\.?$",
    r"^Du hast diese Nachricht gelöscht\.?$",
    r"^Se eliminó este mensaje\.?$",
    r"^Eliminaste este mensaje\.?$",
)

#: The suffix WhatsApp writes on an edited message (removed from the text; `edited` is set).
EDITED_SUFFIX = literal(
    r"[ \x{a0}]?<(?:This message was edited|Diese Nachricht wurde bearbeitet|"
    r"Se editó este mensaje)>$"
)

#: The first line of a poll.
POLL_PREFIX = r"^(?:POLL|UMFRAGE|ENCUESTA):"

#: Locations, shared once or live.
LOCATIONS: tuple[str, ...] = (
    r"^(?:location|Location|Standort|Ubicación|ubicación): https?://",
    r"^(?:live location shared|Live-Standort (?:wird )?geteilt\.?|"
    r"Ubicación en tiempo real compartida)$",
)
