using System.Runtime.CompilerServices;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class GreenQueue<T>
{
    /// <summary>Puts an item from async greenlet code, waiting cooperatively while the queue is full (for a channel:
    /// until a getter takes it).</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>A task that completes when the item is in (for a channel: taken).</returns>
    /// <remarks>The same rules as <see cref="Put(T, TimeSpan?)"/>, on the caller's <see cref="AsyncHub"/>. From thread greenlet code
    /// it waits on the thread's <see cref="Hub"/>.</remarks>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed full.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is full.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever take an item.</exception>
    public ValueTask PutAsync(T item, TimeSpan? timeout = null) => PutAsync(item, timeout, default);

    /// <summary>Puts an item from async greenlet code; the timeout throws <see cref="GreenTimeoutException"/>, the token
    /// <see cref="OperationCanceledException"/>.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is not put.</param>
    /// <returns>A task that completes when the item is in (for a channel: taken).</returns>
    /// <remarks>The same rules as <see cref="Put(T, TimeSpan?, CancellationToken)"/>, on the caller's <see cref="AsyncHub"/>.</remarks>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed full.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first (checked before anything, even with room).</exception>
    /// <exception cref="GreenQueueCompletedException"><see cref="Complete"/> was called.</exception>
    /// <exception cref="GreenletError">The queue belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is full.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever take an item.</exception>
    public ValueTask PutAsync(T item, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        cancellationToken.ThrowIfCancellationRequested();
        _binding.EnterEither("GreenQueue.PutAsync");
        if (BeginPut(item, timeout, async: true, out HubWaiter? waiter) is { } outcome)
        {
            ThrowUnlessDone(outcome, timeout, put: true);
            return default;
        }

        return ParkPutAsync(waiter!, timeout, cancellationToken);
    }

    /// <summary>Takes the first item from async greenlet code, waiting cooperatively while the queue is empty.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>The item.</returns>
    /// <remarks>The same rules as <see cref="Get(TimeSpan?)"/>, on the caller's <see cref="AsyncHub"/>.</remarks>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is empty.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever put an item.</exception>
    public ValueTask<T> GetAsync(TimeSpan? timeout = null) => GetAsync(timeout, default);

    /// <summary>Takes the first item from async greenlet code; the timeout throws <see cref="GreenTimeoutException"/>,
    /// the token <see cref="OperationCanceledException"/>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; nothing is taken.</param>
    /// <returns>The item.</returns>
    /// <remarks>The same rules as <see cref="Get(TimeSpan?, CancellationToken)"/>, on the caller's <see cref="AsyncHub"/>.</remarks>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first (checked before anything, even with items).</exception>
    /// <exception cref="GreenQueueCompletedException">The queue is completed and drained.</exception>
    /// <exception cref="GreenletError">The queue belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is empty.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever put an item.</exception>
    public ValueTask<T> GetAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (BeginGetAsync(out T item, timeout, cancellationToken, out HubWaiter? waiter) is { } outcome)
        {
            ThrowUnlessDone(outcome, timeout, put: false);
            return new ValueTask<T>(item);
        }

        return ParkGetAsync(waiter!, timeout, cancellationToken);
    }

    /// <summary>Returns the items as they are taken from async greenlet code, waiting cooperatively for each, until the
    /// queue is completed and drained: an <c>await foreach</c> consumer (<c>ChannelReader.ReadAllAsync</c>).</summary>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>; a token given
    /// with <c>WithCancellation</c> does the same.</param>
    /// <returns>A sequence that takes one item per step with <see cref="GetAsync(TimeSpan?, CancellationToken)"/>'s
    /// rules; it ends (no exception) once the queue is completed and empty.</returns>
    /// <remarks>The async mirror of <see cref="GetConsumingEnumerable"/>: each step is a get by the enumerating
    /// greenlet, so several greenlets may each enumerate the same queue and share its items, and a consumer killed
    /// after an item was handed to it passes the item on. Use it from the queue's tree only; the checks run at each step.</remarks>
    public async IAsyncEnumerable<T> GetConsumingAsyncEnumerable([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (BeginGetAsync(out T item, null, cancellationToken, out HubWaiter? waiter) is not { } outcome)
            {
                await waiter!.ParkAsync(giveBack: _giveBack, cancellationToken: cancellationToken);
                outcome = EndGet(waiter, !waiter.TimedOut, out item);
            }

            if (outcome != Outcome.Done)
            {
                yield break;
            }

            yield return item;
        }
    }

    /// <summary>Waits cooperatively from async greenlet code until every item put has been marked done with
    /// <see cref="TaskDone"/>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>True when no unfinished item is left; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the items.</exception>
    public ValueTask<bool> JoinAsync(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.EnterEither("GreenQueue.JoinAsync");
        return _allDone.WaitAsync(timeout, "GreenQueue.JoinAsync");
    }

    /// <summary>The checks of an async get, then <see cref="BeginGet"/>: the get of async code, before its park (each
    /// caller parks in its own state machine, so a waiting get carries one).</summary>
    private Outcome? BeginGetAsync(out T item, TimeSpan? timeout, CancellationToken cancellationToken, out HubWaiter? waiter)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.EnterEither("GreenQueue.GetAsync");
        cancellationToken.ThrowIfCancellationRequested();
        return BeginGet(out item, timeout, async: true, out waiter);
    }

    private static async ValueTask ParkPutAsync(HubWaiter waiter, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        await waiter.ParkAsync(timeout, cancellationToken: cancellationToken);
        ThrowUnlessDone(EndPut(waiter, !waiter.TimedOut), timeout, put: true);
    }

    private async ValueTask<T> ParkGetAsync(HubWaiter waiter, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        await waiter.ParkAsync(timeout, giveBack: _giveBack, cancellationToken: cancellationToken);
        ThrowUnlessDone(EndGet(waiter, !waiter.TimedOut, out T item), timeout, put: false);
        return item;
    }
}
