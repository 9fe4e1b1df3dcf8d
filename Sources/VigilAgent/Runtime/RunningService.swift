/// One configured service in a running agent: its driver and the actions it acts through.
struct RunningService: Sendable {
    let name: String
    let driver: ServiceDriver<ContinuousClock>
    let actions: LiveServiceActions
}
