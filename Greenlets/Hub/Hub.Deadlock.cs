using System.Text;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    /// <summary>The text of the <see cref="HubLoopExitException"/> thrown when nothing can ever run again: the hub, the
    /// blocked waits and a dump of the tree.</summary>
    private string DescribeBlockedForever()
    {
        var text = new StringBuilder("This operation would block forever: nothing is ready, no timer is pending and no task can complete.");
        text.Append("\n\tHub: ").Append(this);
        foreach (string waiting in _loop.Waiting())
        {
            text.Append("\n\tWaiting: ").Append(waiting);
        }

        text.Append("\n\tLive greenlets of this thread:");
        foreach (string line in Dump().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append("\n\t\t").Append(line);
        }

        return text.ToString();
    }
}
