using System;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The Slurm job and step of a process, from the cgroup tree slurmstepd makes (https://slurm.schedmd.com/cgroup_v2.html,
    /// https://slurm.schedmd.com/cgroups.html): cgroup v1 /slurm/uid_&lt;uid&gt;/job_&lt;id&gt;/step_&lt;step&gt;/task_&lt;n&gt;
    /// (slurm_&lt;node&gt;
    /// with several slurmd per host), cgroup v2 /system.slice/slurmstepd.scope/job_&lt;id&gt;/step_&lt;step&gt;/user/task_&lt;n&gt;
    /// (&lt;node&gt;_slurmstepd.scope likewise). Steps are numbers or batch, extern, interactive.
    /// </summary>
    internal sealed class SlurmJob
    {
        private SlurmJob(string jobId, string? step)
        {
            JobId = jobId;
            Step = step;
        }

        public string JobId { get; }

        public string? Step { get; }

        /// <summary>The job of a /proc/&lt;pid&gt;/cgroup text, or null for a process outside Slurm's tree.</summary>
        public static SlurmJob? FromCgroup(string? cgroupText)
        {
            foreach (string[] folders in CgroupText.Paths(cgroupText))
            {
                for (int i = 0; i < folders.Length - 1; i++)
                {
                    if (!IsSlurmRoot(folders[i])) continue;
                    int j = i + 1;
                    if (folders[j].StartsWith("uid_", StringComparison.Ordinal) && CgroupText.IsDigits(folders[j].Substring(4), 10)) j++;
                    if (j >= folders.Length || !folders[j].StartsWith("job_", StringComparison.Ordinal)) continue;
                    string job = folders[j].Substring(4);
                    if (!CgroupText.IsDigits(job, 20)) continue;
                    string? step = j + 1 < folders.Length && folders[j + 1].StartsWith("step_", StringComparison.Ordinal)
                        ? folders[j + 1].Substring(5) : null;
                    return new SlurmJob(job, step != null && IsStepName(step) ? step : null);
                }
            }

            return null;
        }

        private static bool IsSlurmRoot(string folder) =>
            folder == "slurm" || folder == "slurmstepd.scope"
            || (folder.StartsWith("slurm_", StringComparison.Ordinal) && folder.Length > 6)
            || (folder.EndsWith("_slurmstepd.scope", StringComparison.Ordinal) && folder.Length > 17);

        private static bool IsStepName(string step)
        {
            if (step.Length == 0 || step.Length > 32) return false;
            foreach (char c in step)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '+')) return false;
            }

            return true;
        }
    }
}
