"""Kiosk mode: the chat locked full screen on a shared machine in a waiting room.

A kiosk is used by one stranger after another, so everything here serves
three ends: nobody sees the previous person's questions, nobody leaves the
chat without staff credentials, and only checked, vetted text is ever shown.
"""
