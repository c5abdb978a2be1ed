import Foundation
import Testing

@testable import TraceReceiver

@Suite("TextFolding")
struct TextFoldingTests {
    static func foundation(_ text: String) -> [UInt8] {
        Array(text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).utf8)
    }

    @Test(arguments: [
        "Ångström ÉCOLE Café crème naïve", "Пользователь ВОШЁЛ в систему", "Σίσυφος ΑΘΗΝΑ", "Tiếng Việt có dấu",
        "e\u{301}te\u{301} (combining marks)", "Ǆ ǅ ǆ Œuvre Łódź Ħ", "Հայերեն ԱԲԳ", "plain ASCII, UPPER and lower",
    ])
    func foldsAsFoundationDoesForTheScriptsItCovers(_ text: String) {
        #expect(TextFolding.folded(text) == Self.foundation(text), "\(text)")
    }

    @Test func everyCoveredCharacterFoldsAsFoundationFoldsIt() {
        for range: ClosedRange<UInt32> in [0x80...0x58F, 0x1E00...0x1EFF] {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let text = "x" + String(Character(scalar)) + "Y"
                #expect(TextFolding.folded(text) == Self.foundation(text), "U+\(String(value, radix: 16, uppercase: true))")
            }
        }
    }

    @Test func charactersBeyondThoseScriptsAreKeptAsTheyAre() {
        for text in ["日本語テキスト", "emoji 🎉 stays", "한국어"] {
            #expect(TextFolding.folded(text) == Array(text.lowercased().utf8))
        }
    }
}
