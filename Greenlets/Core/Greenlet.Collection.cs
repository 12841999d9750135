using Greenlets.Internal;

namespace Greenlets;

public partial class Greenlet
{
    /// <summary>Raised when an exception has nowhere to go: a greenlet killed because it was collected raised something
    /// other than <see cref="GreenletExit"/> (G4). Without a handler the exception is written to standard error.</summary>
    public static event EventHandler<GreenletExceptionEventArgs>? UnobservedException;

    /// <summary>Reports an exception nobody can observe, to <see cref="UnobservedException"/> or standard error.</summary>
    internal static void ReportUnobserved(Greenlet greenlet, Exception exception) =>
        ErrorReport.Raise(
            UnobservedException,
            null,
            new GreenletExceptionEventArgs(greenlet, exception),
            $"Exception ignored while killing {greenlet}: {exception}",
            nameof(UnobservedException), letKillsThrough: false);

    /// <summary>Kills a suspended greenlet whose last reference vanished, from the tree's current greenlet (G1-G5).</summary>
    internal void KillCollected()
    {
        if (Core.RawState != GreenletState.Suspended)
        {
            return;
        }

        Core.KillAttempts++;
        Greenlet? originalParent = Core.Parent;

        // G2: the dying greenlet returns to whoever kills it; its parent is restored afterwards.
        Core.Parent = Current;
        try
        {
            Throw(new GreenletExit("Killing the greenlet because all references have vanished."));
        }
        catch (Exception e)
        {
            // G4: whatever the dying greenlet raises (even a GreenletExit thrown at its killer) has nowhere to go.
            ReportUnobserved(this, e);
        }
        finally
        {
            Core.Parent = originalParent;
            if (Core.RawState == GreenletState.Suspended)
            {
                if (Core.KillAttempts < 2)
                {
                    GC.ReRegisterForFinalize(this);
                }
                else
                {
                    Console.Error.WriteLine($"GreenletExit did not kill {this}");
                }
            }
        }
    }
}
