"""Colour themes: a calm default and a high-contrast one for poor sight.

Both are picked so that a terminal with only 16 colours still gets a black
background with white, cyan, green, yellow and red on it: dark greys are kept
dark enough that they fall back to black, never to a grey that text sits on.
"""

from __future__ import annotations

from textual.theme import Theme

CALM = Theme(
    name="faqbot-calm",
    primary="#66b3ff",
    secondary="#5fd787",
    accent="#f0c674",
    warning="#f0c674",
    error="#ff5f5f",
    success="#5fd787",
    foreground="#e6ebf0",
    background="#161b21",
    surface="#1f262e",
    panel="#212830",
    dark=True,
    variables={
        "text-muted": "#b8c2cc",
        "footer-key-foreground": "#f0c674",
        "block-cursor-foreground": "#10141a",
        "block-cursor-background": "#66b3ff",
        "block-cursor-blurred-background": "#1f262e",
        "block-cursor-blurred-foreground": "#e6ebf0",
        "input-selection-background": "#66b3ff 40%",
    },
)

HIGH_CONTRAST = Theme(
    name="faqbot-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    warning="#ffff00",
    error="#ff3b3b",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "text": "#ffffff",
        "text-muted": "#ffffff",
        "text-disabled": "#ffffff",
        "foreground-muted": "#ffffff",
        "border": "#ffffff",
        "border-blurred": "#ffffff",
        "footer-background": "#000000",
        "footer-foreground": "#ffffff",
        "footer-key-foreground": "#ffff00",
        "footer-description-foreground": "#ffffff",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#ffff00",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "#000000",
        "block-cursor-blurred-background": "#ffffff",
        "block-hover-background": "#333333",
        "input-cursor-background": "#ffffff",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#ffff00",
        "input-selection-foreground": "#000000",
        "scrollbar": "#ffffff",
        "scrollbar-hover": "#ffff00",
        "scrollbar-background": "#000000",
        "link-color": "#00ffff",
        "markdown-h1-color": "#ffff00",
        "markdown-h2-color": "#ffff00",
        "markdown-h3-color": "#ffff00",
    },
)

THEMES = (CALM, HIGH_CONTRAST)
