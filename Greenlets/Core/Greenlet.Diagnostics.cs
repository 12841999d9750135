using System.Globalization;
using System.Text;
using Greenlets.Internal;

namespace Greenlets;

public partial class Greenlet
{
    /// <summary>Describes every live greenlet of this thread's tree: name, state, parent and what it waits for.</summary>
    /// <returns>One line per greenlet, the main greenlet first, e.g. <c>worker-3  Suspended  parent=hub  waiting for GreenEvent.Wait</c>.</returns>
    /// <remarks>Live means started and not dead; pending greenlets are not tracked by the tree. The wait reason is
    /// what a parked greenlet waits on (its <c>WaitingOn</c>, set by the layer that parked it), as its <see cref="object.ToString"/>.</remarks>
    public static string Dump()
    {
        TreeState tree = GreenletCore.Ensure().Tree!;
        var text = new StringBuilder();
        Append(text, tree.Main);
        foreach (GreenletCore core in tree.SnapshotLive().OrderBy(c => c.Handle?.Name, StringComparer.Ordinal))
        {
            if (core.Handle is { } greenlet)
            {
                Append(text, greenlet);
            }
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, Greenlet greenlet)
    {
        text.Append(CultureInfo.InvariantCulture, $"{greenlet.Name}  {greenlet.State}");
        if (greenlet.Parent is { } parent)
        {
            text.Append(CultureInfo.InvariantCulture, $"  parent={parent.Name}");
        }

        if (greenlet.Core.WaitingOn is { } reason && greenlet.State == GreenletState.Suspended)
        {
            text.Append(CultureInfo.InvariantCulture, $"  waiting for {reason}");
        }

        text.Append('\n');
    }
}
