using System;
using System.Collections;
using System.Linq;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// The NCCL variables that change which transport or algorithm NCCL picks, so a result says what it ran under
    /// (NCCL's environment variables: https://docs.nvidia.com/deeplearning/nccl/user-guide/docs/env.html).
    /// </summary>
    internal static class CollectiveEnvironment
    {
        private static readonly string[] Exact =
        {
            "NCCL_P2P_DISABLE", "NCCL_P2P_LEVEL", "NCCL_SHM_DISABLE", "NCCL_ALGO", "NCCL_PROTO", "NCCL_SOCKET_IFNAME",
            "NCCL_NVLS_ENABLE", "NCCL_CUMEM_ENABLE", "NCCL_MIN_NCHANNELS", "NCCL_MAX_NCHANNELS", "NCCL_BUFFSIZE", "NCCL_DEBUG",
        };

        private static readonly string[] Prefixes = { "NCCL_IB_", "NCCL_NET" };

        /// <summary>The variables of interest that are set, from <paramref name="variables"/> (name to value).</summary>
        public static ReadableDictionary Snapshot(IDictionary variables)
        {
            var result = new ReadableDictionary();
            if (variables == null) return result;
            foreach (DictionaryEntry entry in variables)
            {
                string? name = entry.Key as string;
                if (name == null) continue;
                if (Exact.Contains(name, StringComparer.Ordinal) || Prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                    result[name] = entry.Value as string;
            }

            return result;
        }

        public static ReadableDictionary Current() => Snapshot(Environment.GetEnvironmentVariables());
    }
}
