/// The stages of a switch on one load balancer, in order.
public enum SwitchStage: String, Sendable, Equatable {
    case upload
    case backup
    case swap
    case test
    case reload
    case verify
}
