export function chromiumPath(): string;
export function vulkanIcd(): string;
export function missingTestDependencies(): string[];
