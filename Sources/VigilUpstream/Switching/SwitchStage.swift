/// The stages of a switch on one load balancer, in order.
public enum SwitchStage: String, Sendable, Equatable {
    case upload
    /// The file there was written by a newer leader of the cluster (a higher epoch): not replaced.
    case fence
    case backup
    case swap
    case test
    case reload
    case verify
}
