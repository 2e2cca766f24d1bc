import PacerCLI

await PacerMain.run()
