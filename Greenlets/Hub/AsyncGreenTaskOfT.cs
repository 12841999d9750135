namespace Greenlets;

/// <summary>An <see cref="AsyncGreenTask"/> whose body returns a <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The result type.</typeparam>
public class AsyncGreenTask<T> : AsyncGreenTask
{
    /// <summary>Creates a task for <paramref name="body"/> in the calling flow's async hub; call
    /// <see cref="AsyncGreenTask.Start"/> to schedule it.</summary>
    /// <param name="body">The body.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public AsyncGreenTask(Func<ValueTask<T>> body)
        : base(Box(body))
    {
    }

    /// <summary>Gets the result, or the default before it is ready, on failure, or after a kill.</summary>
    public new T? Value => base.Value is T value ? value : default;

    /// <summary>Waits for the task and returns its result, or rethrows its failure with the original stack trace.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>The result; the default when the task was killed with <see cref="GreenletExit"/>.</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed before the task finished.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The task belongs to another flow's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the task.</exception>
    /// <exception cref="Exception">The task's own failure.</exception>
    public new ValueTask<T> GetAsync(TimeSpan? timeout = null)
    {
        ValueTask<object?> get = base.GetAsync(timeout);
        return get.IsCompletedSuccessfully ? new ValueTask<T>(Cast(get.Result)) : Convert(get);
    }

    /// <summary>Returns a task that completes (from any thread) with this greenlet task's result.</summary>
    /// <returns>The task; the default result after a <see cref="GreenletExit"/> kill.</returns>
    /// <remarks>See <see cref="AsyncGreenTask.AsTask"/>.</remarks>
    public new Task<T> AsTask() => ConvertTask(Completion().Task);

    private static T Cast(object? value) => value is T result ? result : default!;

    private static async ValueTask<T> Convert(ValueTask<object?> get) => Cast(await get);

    private static async Task<T> ConvertTask(Task<object?> task) => Cast(await task.ConfigureAwait(false));

    private static Func<ValueTask<object?>> Box(Func<ValueTask<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return async () => await body();
    }
}
