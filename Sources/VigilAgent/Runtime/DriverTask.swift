/// The machine generation a driver's task was spawned for (a generic actor cannot hold a task
/// local of its own).
enum DriverTask {
    @TaskLocal static var generation: Int?
}
