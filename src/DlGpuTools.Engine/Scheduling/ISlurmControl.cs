namespace DlGpuTools.Scheduling
{
    /// <summary>What the health sync asks of Slurm: read a node's state, drain it with a reason, resume it.</summary>
    public interface ISlurmControl
    {
        SlurmNodeStatus Query(string nodeName);

        void Drain(string nodeName, string reason);

        void Resume(string nodeName);
    }
}
