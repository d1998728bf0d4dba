from paraviz.tui.entry import entry

entry()
