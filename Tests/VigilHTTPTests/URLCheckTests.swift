import Testing
import VigilHTTP

/// Found by probing: URLs libcurl cannot parse passed the config check, and the agent then
/// failed a healthy primary over two seconds after start ("URL using bad/illegal format").
@Suite struct URLCheckTests {
    @Test func urlsLibcurlCannotUseAreNamed() {
        for url in [
            "http://127.0.0.1:99999/", "http://", "http://127.0.0.1:0/", "http://exa mple/", "http://host/\r\nX: 1",
            "ftp://host/", "http://[::1/", "127.0.0.1:8080/health", "http://:80/",
        ] {
            #expect(URLCheck.problem(in: url) != nil, "\(url)")
        }
    }

    @Test func ordinaryHealthURLsPass() {
        for url in [
            "http://127.0.0.1:8080/health", "https://shop.example/healthz?deep=1", "http://[::1]:9000/", "http://user:pw@host/x",
            "http://localhost/",
        ] {
            #expect(URLCheck.problem(in: url) == nil, "\(url): \(URLCheck.problem(in: url) ?? "")")
        }
    }
}
