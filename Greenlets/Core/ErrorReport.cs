namespace Greenlets.Internal;

/// <summary>
/// Raises an "exception nobody observes" event the same way everywhere: each subscriber is called on its own, so
/// one that throws neither stops the others nor escapes into the code that reported (the reaper thread, a
/// finalizer's kill, the hub loop); a failing subscriber is written to standard error instead.
/// </summary>
internal static class ErrorReport
{
    /// <summary>Calls every subscriber of <paramref name="handlers"/>, or writes <paramref name="fallback"/> to
    /// standard error when there is none.</summary>
    /// <param name="handlers">The event's current delegate, read once by the caller.</param>
    /// <param name="sender">The sender passed to each subscriber.</param>
    /// <param name="args">The event data.</param>
    /// <param name="fallback">The line written when nobody subscribes.</param>
    /// <param name="eventName">The event's name, for the line written when a subscriber fails.</param>
    /// <param name="letKillsThrough">Whether a <see cref="GreenletExit"/> from a subscriber propagates: true where the
    /// reporter is a greenlet that can be killed while a subscriber blocks in the hub; false on threads that have no
    /// one to receive it (the reaper, a finalizer's kill).</param>
    public static void Raise(
        EventHandler<GreenletExceptionEventArgs>? handlers,
        object? sender,
        GreenletExceptionEventArgs args,
        string fallback,
        string eventName,
        bool letKillsThrough) =>
        Raise(handlers, sender, args, $"{args.Exception.GetType().Name} from {args.Greenlet}", fallback, eventName, letKillsThrough);

    /// <summary>The same for any event data (an async greenlet's): <paramref name="what"/> names the reported error.</summary>
    public static void Raise<TArgs>(
        EventHandler<TArgs>? handlers,
        object? sender,
        TArgs args,
        string what,
        string fallback,
        string eventName,
        bool letKillsThrough)
    {
        if (handlers is null)
        {
            Console.Error.WriteLine(fallback);
            return;
        }

        foreach (Delegate subscriber in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<TArgs>)subscriber)(sender, args);
            }
            catch (Exception e) when (!letKillsThrough || e is not GreenletExit)
            {
                // A reporting path has no caller that could handle this; losing the process to a logging bug
                // would be worse than a line on standard error.
                Console.Error.WriteLine($"A {eventName} handler failed while reporting {what}: {e}");
            }
        }
    }
}
