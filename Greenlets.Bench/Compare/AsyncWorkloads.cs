namespace Greenlets.Bench.Compare;

/// <summary>Helpers for the async greenlet workloads.</summary>
internal static class AsyncWorkloads
{
    /// <summary>Runs <paramref name="body"/> as the main greenlet of a fresh tree and returns its result.</summary>
    public static double RunInFreshFlow(Func<Task<double>> body)
    {
        Task<double> task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(body);
        }

        return task.GetAwaiter().GetResult();
    }
}
