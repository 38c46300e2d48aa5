// Browser entry: mounts the workbench and opens it on the built-in demo dataset (served from this origin).
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { Workbench } from './ui/workbench.svelte';
import './ui/global.css';
import { setupFromUrl } from './ui/runs/run-setup';

const params = new URLSearchParams(location.search);
const workbench = new Workbench((params.get('engine') as 'auto' | 'webgpu' | 'cpu' | null) ?? 'auto');
mount(App, { target: document.getElementById('app')!, props: { workbench } });
try {
  const shared = setupFromUrl(new URL(location.href));
  if (shared) workbench.applySetup(shared);
} catch (e) {
  workbench.errors = [...workbench.errors, { message: (e as Error).message }];
}
if (params.get('demo') !== '0') void workbench.loadDemo();
