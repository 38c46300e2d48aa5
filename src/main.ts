// Browser entry: mounts the workbench and opens it on the built-in demo dataset (served from this origin).
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { Workbench } from './ui/workbench.svelte';
import './ui/global.css';

const params = new URLSearchParams(location.search);
const workbench = new Workbench((params.get('engine') as 'auto' | 'webgpu' | 'cpu' | null) ?? 'auto');
mount(App, { target: document.getElementById('app')!, props: { workbench } });
if (params.get('demo') !== '0') void workbench.loadDemo();
