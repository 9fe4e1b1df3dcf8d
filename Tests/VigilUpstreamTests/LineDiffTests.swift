import Testing

@testable import VigilUpstream

@Suite struct LineDiffTests {
    @Test func theDiffShowsWhatASwitchChangesWithContext() {
        let old = "# head\nupstream app {\n    server 127.0.0.1:1;\n}\n"
        let new = "# head\nupstream app {\n    server 127.0.0.1:2;\n    server 127.0.0.1:1 backup;\n}\n"
        #expect(
            LineDiff.unified(old, new, oldName: "lb1:a.conf", newName: "lb1:a.conf (new)") == """
                --- lb1:a.conf
                +++ lb1:a.conf (new)
                @@ -1,4 +1,5 @@
                 # head
                 upstream app {
                -    server 127.0.0.1:1;
                +    server 127.0.0.1:2;
                +    server 127.0.0.1:1 backup;
                 }
                """)
        #expect(LineDiff.unified(old, old, oldName: "lb1:a.conf", newName: "x") == "  (no change to lb1:a.conf)")
    }

    @Test func farApartChangesMakeSeparateHunks() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 2\n", with: "line two\n").replacingOccurrences(of: "line 19\n", with: "")
        let diff = LineDiff.unified(old, new, oldName: "a", newName: "b")
        #expect(diff.components(separatedBy: "\n@@ ").count == 3, "\(diff)")
        #expect(diff.contains("@@ -1,5 +1,5 @@") && diff.contains("@@ -16,5 +16,4 @@"), "\(diff)")
    }

    @Test func theFirstDifferenceIsALineNumber() {
        #expect(LineDiff.firstDifference("a\nb\nc\n", "a\nb\nc\n") == nil)
        #expect(LineDiff.firstDifference("a\nb\nc\n", "a\nB\nc\n") == 2)
        #expect(LineDiff.firstDifference("a\nb\n", "a\nb\n# tuned\n") == 3)
    }
}
