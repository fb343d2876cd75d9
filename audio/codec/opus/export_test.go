package opus

// For the external tests: which build's golden hashes apply.
const Build = build

// HostMatchesGolden is hostMatchesGolden.
var HostMatchesGolden = hostMatchesGolden

// FitPictures is fitPictures.
var FitPictures = fitPictures
