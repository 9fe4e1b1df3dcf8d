import VigilCore

/// How a switch on one load balancer ended.
public enum SwitchResult: Sendable, Equatable {
    /// `replacedHandEdit`: the file it replaced was not what Vigil last wrote (the edit is in the backup).
    case switched(durations: [SwitchStage: Duration], replacedHandEdit: Bool)
    /// Failed at `stage` with nginx's (or the transport's) own words. `restored`: the previous
    /// file is back and nginx reloaded with it; false means the load balancer needs a person.
    /// `transport`: the host itself failed (not answering, session lost, key refused), and how.
    case failed(stage: SwitchStage, message: String, restored: Bool, transport: RemoteFailureKind? = nil)
}
