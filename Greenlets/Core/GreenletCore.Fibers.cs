namespace Greenlets.Internal;

/// <summary>How a greenlet uses the fiber layer: a core is the work item its fiber runs, and a start rents the fiber,
/// wording a refusal for the user.</summary>
internal sealed partial class GreenletCore : IFiberWork
{
    /// <inheritdoc/>
    bool IFiberWork.Run() => RunOnFiber();

    /// <summary>Rents the fiber a pending greenlet starts on.</summary>
    /// <exception cref="InvalidOperationException">The cap on live fiber threads is reached, or the OS refused a new thread
    /// (its error is the inner exception).</exception>
    private static Fiber RentFiber()
    {
        if (FiberPool.Shared.TryRent(out Exception? refusal) is { } fiber)
        {
            return fiber;
        }

        if (refusal is null)
        {
            throw new InvalidOperationException(
                $"Cannot start another greenlet: {GreenletOptions.MaxThreads} fiber threads are live, the cap of GreenletOptions.MaxThreads. "
                + "Finish or kill suspended greenlets, or use AsyncGreenlet for very many greenlets.");
        }

        throw new InvalidOperationException(
            $"Cannot start another greenlet: the OS refused a new fiber thread ({refusal.Message}) with {FiberPool.Shared.TotalThreads} fiber threads live. "
            + "A process limit (cgroup pids.max, ulimit -u, vm.max_map_count, address space) is lower than GreenletOptions.MaxThreads: "
            + "finish or kill suspended greenlets, lower GreenletOptions.MaxThreads, or raise the limit.",
            refusal);
    }
}
