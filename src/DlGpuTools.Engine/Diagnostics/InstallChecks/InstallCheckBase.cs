using System.Collections.Generic;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>What every install check declares, so a check's file holds only its own logic.</summary>
    internal abstract class InstallCheckBase : IInstallCheck
    {
        protected InstallCheckBase(string id, string name, string description, params string[] needs)
        {
            Id = id;
            Name = name;
            Description = description;
            Needs = needs;
        }

        public string Id { get; }

        public string Name { get; }

        public string Description { get; }

        public IReadOnlyList<string> Needs { get; }

        public virtual string? SkipReason(InstallCheckContext context) => null;

        public abstract InstallCheck Run(InstallCheckContext context);
    }
}
