from paraviz.tui.cli import entry

entry()
