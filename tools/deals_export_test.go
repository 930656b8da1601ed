package tools

// ClosingWindow is closingWindow, for the package's external tests.
var ClosingWindow = closingWindow
