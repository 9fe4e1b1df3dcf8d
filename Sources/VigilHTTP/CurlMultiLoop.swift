import CCurl
import Foundation
import Synchronization

/// libcurl's multi interface on a thread of its own: every transfer of the process runs here,
/// concurrently, sharing one connection cache, and no caller ever blocks Swift's cooperative pool.
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex<Inbox>(Inbox())
    private let done = DispatchSemaphore(value: 0)

    private struct Inbox {
        var submitted: [CurlTransfer] = []
        var stopping = false
    }

    init(maxConnections: Int) {
        CurlMultiLoop.initializeLibraryOnce
        guard let multi = curl_multi_init() else { preconditionFailure("curl_multi_init failed") }
        self.multi = multi
        let code = vigil_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
        precondition(code == CURLM_OK, "CURLMOPT_MAXCONNECTS refused: \(code)")
        let thread = Thread { [self] in run() }
        thread.name = "vigil-curl"
        thread.start()
    }

    /// libcurl's global state is set up once per process, before any thread uses it.
    private static let initializeLibraryOnce: Void = {
        let code = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        precondition(code == CURLE_OK, "curl_global_init failed: \(code)")
    }()

    func perform(_ request: TransferRequest) async -> TransferResult {
        let box = Mutex<CurlTransfer?>(nil)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let transfer = CurlTransfer(request: request, continuation: continuation)
                box.withLock { $0 = transfer }
                if Task.isCancelled { transfer.cancel() }
                let accepted = inbox.withLock { inbox in
                    guard !inbox.stopping else { return false }
                    inbox.submitted.append(transfer)
                    return true
                }
                if accepted {
                    curl_multi_wakeup(multi)
                } else {
                    transfer.finish(code: Int(CURLE_ABORTED_BY_CALLBACK.rawValue), message: "the HTTP engine is shut down")
                }
            }
        } onCancel: {
            box.withLock { $0?.cancel() }
            curl_multi_wakeup(multi)
        }
    }

    /// Ends every transfer in flight and stops the thread; waits until it has.
    func shutdown() {
        let first = inbox.withLock { inbox in
            defer { inbox.stopping = true }
            return !inbox.stopping
        }
        guard first else { return }
        curl_multi_wakeup(multi)
        done.wait()
    }

    private func run() {
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        while true {
            let (submitted, stopping) = inbox.withLock { inbox in
                defer { inbox.submitted.removeAll() }
                return (inbox.submitted, inbox.stopping)
            }
            for transfer in submitted where transfer.configure() {
                guard let easy = transfer.easy else { continue }
                let code = curl_multi_add_handle(multi, easy)
                if code == CURLM_OK {
                    active[easy] = transfer
                } else {
                    transfer.finish(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_multi_add_handle: \(code)")
                }
            }
            if stopping {
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi, easy)
                    transfer.finish(code: Int(CURLE_ABORTED_BY_CALLBACK.rawValue), message: "the HTTP engine is shut down")
                }
                curl_multi_cleanup(multi)
                done.signal()
                return
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = Int(message.pointee.data.result.rawValue)
                curl_multi_remove_handle(multi, easy)
                active.removeValue(forKey: easy)?.finish(code: code)
            }
            // Sleeps until a socket is ready, a timer of libcurl's is due, or curl_multi_wakeup.
            _ = curl_multi_poll(multi, nil, 0, 1_000, nil)
        }
    }
}
