using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Greenlets.Internal;

internal sealed partial class HubLoopCore
{
    /// <summary>Runs one ready entry on <paramref name="hub"/>: what each kind of entry does, for both hubs, and which
    /// entries do nothing (a wait killed or timed out after its wake, a task killed before its start).</summary>
    /// <returns>What the hub's step gives back (the switch to await, on an async hub); <c>default</c> when the entry
    /// does nothing.</returns>
    /// <remarks>Generic over the hub's struct so that each hub gets its own copy with direct calls; the hub catches
    /// what escapes, around this call.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TResult Dispatch<THub, TResult>(HubReadyItem item, THub hub)
        where THub : struct, IHubDispatch<TResult>
    {
        switch (item.What)
        {
            case HubReadyItem.Kind.Resume:
                var waiter = (HubWaiter)item.Target;

                // Killed or timed out after the wake was queued: the wait is over, nothing to resume.
                return waiter.IsResumable ? hub.Resume(waiter) : default!;
            case HubReadyItem.Kind.Start:
                // Killed before it started: nothing to run.
                return hub.CanStart(item.Target) ? hub.Start(item.Target) : default!;
            case HubReadyItem.Kind.ResumeForeign:
                return hub.ResumeForeign((AsyncForeignContinuation)item.Target);
            case HubReadyItem.Kind.CallAsync:
                return hub.CallAsync((Func<ValueTask<object?>>)item.Target);
            default:
                Debug.Assert(item.What == HubReadyItem.Kind.Call, "an unknown ready entry");
                return hub.Call((Action)item.Target);
        }
    }
}
